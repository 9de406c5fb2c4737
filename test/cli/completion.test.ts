import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/git.js';
import { commandPaths, programTree } from '../helpers/program.js';

const has = (shell: string) => spawnSync(shell, ['--version'], { stdio: 'ignore' }).status === 0;

async function script(shell: string): Promise<string> {
  const result = await cli(['completion', shell]);
  expect(result.exitCode).toBe(0);
  return result.stdout;
}

async function scriptFile(shell: string): Promise<string> {
  const file = join(tempDir(), `keyguard.${shell}`);
  writeFileSync(file, await script(shell));
  return file;
}

/** What bash offers after the words typed so far (the last word is the one being completed). */
function bashComplete(file: string, words: string[]): string[] {
  const program = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _keyguard_completion; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = execFileSync('bash', ['-c', program, 'bash', file, ...words], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

const everyCommand = commandPaths(programTree()).map((p) => p.at(-1)!);

describe('keyguard completion', () => {
  it('rejects an unknown shell with exit 2', async () => {
    const result = await cli(['completion', 'powershell']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/bash, zsh, fish/);
  });

  it('bash: valid syntax, every command and flag listed', async () => {
    const file = await scriptFile('bash');
    execFileSync('bash', ['-n', file]);
    const text = await script('bash');
    for (const name of everyCommand) expect(text).toMatch(new RegExp(`\\b${name}\\b`));
    expect(text).toContain('--staged');
    expect(text).toContain('--npm-pack');
  });

  it('bash: completes commands, subcommands, flags and flag values as typed', async () => {
    const file = await scriptFile('bash');
    expect(bashComplete(file, ['keyguard', 'sc'])).toEqual(['scan']);
    expect(bashComplete(file, ['keyguard', 'scan', '--sta'])).toEqual(['--staged']);
    expect(bashComplete(file, ['keyguard', 'scan', '--format', ''])).toEqual(['text', 'json', 'sarif', 'github']);
    expect(bashComplete(file, ['keyguard', 'scan', '--fail-on', 'h'])).toEqual(['high']);
    expect(bashComplete(file, ['keyguard', 'baseline', ''])).toEqual(expect.arrayContaining(['create', 'prune']));
    expect(bashComplete(file, ['keyguard', 'completion', 'z'])).toEqual(['zsh']);
    // Flags belong to their command: baseline create has --baseline but not --staged.
    expect(bashComplete(file, ['keyguard', 'baseline', 'create', '--sta'])).toEqual([]);
    expect(bashComplete(file, ['keyguard', 'baseline', 'create', '--base'])).toEqual(['--baseline']);
  });

  it('zsh: every command and flag listed with its description', async () => {
    const text = await script('zsh');
    expect(text.startsWith('#compdef keyguard\n')).toBe(true);
    for (const name of everyCommand) expect(text).toContain(`'${name}:`);
    expect(text).toContain("'--staged:scan exactly what is staged in the index'");
  });

  it.skipIf(!has('zsh'))('zsh: valid syntax (zsh -n)', async () => {
    execFileSync('zsh', ['-n', await scriptFile('zsh')]);
  });

  it('fish: every command and flag listed', async () => {
    const text = await script('fish');
    for (const name of everyCommand) expect(text).toMatch(new RegExp(`-a ${name} `));
    expect(text).toMatch(/__fish_seen_subcommand_from scan' -l staged -d/);
  });

  it.skipIf(!has('fish'))('fish: valid syntax and completes as typed (complete -C)', async () => {
    const file = await scriptFile('fish');
    execFileSync('fish', ['--no-execute', file]);
    const offered = (line: string) =>
      execFileSync('fish', ['--no-config', '-c', `source ${file}; complete -C '${line}'`], { encoding: 'utf8' })
        .split('\n')
        .map((l) => l.split('\t')[0]);
    expect(offered('keyguard scan --sta')).toContain('--staged');
    expect(offered('keyguard baseline ')).toEqual(expect.arrayContaining(['create', 'prune']));
    expect(offered('keyguard scan --format ')).toEqual(expect.arrayContaining(['sarif', 'github']));
  });
});
