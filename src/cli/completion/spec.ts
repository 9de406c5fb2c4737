import type { Command, Option } from 'commander';

/** One option as a shell sees it: its spellings, what it is for, and what value it takes. */
export interface OptionSpec {
  names: string[];
  description: string;
  /** 'none' for a switch, 'choice' for a value from `choices`, 'any' for a free value (a file, a range…). */
  value: 'none' | 'choice' | 'any';
  choices: string[];
}

/** A command and everything under it, read from the commander program so completion never goes stale. */
export interface CommandSpec {
  name: string;
  description: string;
  /** Words from the program name down to this command, e.g. ['baseline', 'create']. */
  path: string[];
  options: OptionSpec[];
  commands: CommandSpec[];
  /** Fixed values of its positional arguments (e.g. the shells of `completion`). */
  values: string[];
}

function optionSpec(option: Option): OptionSpec {
  const takesValue = option.required || option.optional;
  const choices = option.argChoices ?? [];
  return {
    names: [option.short, option.long].filter((n): n is string => Boolean(n)),
    description: option.description,
    value: !takesValue ? 'none' : choices.length ? 'choice' : 'any',
    choices,
  };
}

const HELP: OptionSpec = { names: ['-h', '--help'], description: 'display help', value: 'none', choices: [] };

/** Walk `program.commands` (recursively) into a plain tree the shell generators render. */
export function describeProgram(command: Command, path: string[] = []): CommandSpec {
  const options = command.options.filter((o) => !o.hidden).map(optionSpec);
  options.push(HELP);
  return {
    name: command.name(),
    description: command.description(),
    path,
    options,
    commands: command.commands
      .filter((c) => !(c as Command & { _hidden?: boolean })._hidden && c.name() !== 'help')
      .map((c) => describeProgram(c, [...path, c.name()])),
    values: command.registeredArguments.flatMap((a) => a.argChoices ?? []),
  };
}

/** Every command of the tree, the root first. */
export function flatten(spec: CommandSpec): CommandSpec[] {
  return [spec, ...spec.commands.flatMap(flatten)];
}
