import { BEGIN, END } from './script.js';

/**
 * Line-based edits of hook manager YAML files. keyguard does not parse and re-serialise a user's
 * YAML (comments and layout would be lost): it inserts one marked block where the manager expects
 * it, and uninstall removes exactly that block.
 */

const TOP_LEVEL_KEY = /^[A-Za-z_][\w-]*\s*:/;
const indentOf = (line: string) => /^ */.exec(line)![0].length;
const pad = (n: number, lines: string[]) => lines.map((line) => `${' '.repeat(n)}${line}`);

/** Index of the line after the section that starts at `start` (the next top-level key or the end). */
function sectionEnd(lines: string[], start: number): number {
  let end = start + 1;
  while (end < lines.length && !TOP_LEVEL_KEY.test(lines[end]!)) end++;
  // Blank lines at the end of a section belong to the gap before the next key.
  while (end > start + 1 && lines[end - 1]!.trim() === '') end--;
  return end;
}

function appendBlock(text: string, block: string[]): string {
  const base = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  return `${base}${[BEGIN, ...block, END].join('\n')}\n`;
}

/** lefthook: a `keyguard` command under `pre-commit: commands:`. */
export function addLefthookCommand(text: string, command: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => /^pre-commit\s*:\s*(#.*)?$/.test(line));
  const entry = ['keyguard:', `  run: ${command}`];
  if (start === -1) return appendBlock(text, ['pre-commit:', '  commands:', ...pad(4, entry)]);
  const end = sectionEnd(lines, start);
  const commandsAt = lines.findIndex((line, i) => i > start && i < end && /^\s+commands\s*:\s*(#.*)?$/.test(line));
  if (commandsAt === -1) {
    const child = lines[start + 1] && indentOf(lines[start + 1]!) > 0 ? indentOf(lines[start + 1]!) : 2;
    const block = [...pad(child, [BEGIN, 'commands:']), ...pad(child * 2, entry), ...pad(child, [END])];
    lines.splice(start + 1, 0, ...block);
    return lines.join('\n');
  }
  const base = indentOf(lines[commandsAt]!);
  const next = lines[commandsAt + 1];
  const step = next && indentOf(next) > base && next.trim() ? indentOf(next) - base : 2;
  lines.splice(commandsAt + 1, 0, ...pad(base + step, [BEGIN, ...entry, END]));
  return lines.join('\n');
}

/** The pre-commit framework: a local repository entry running keyguard under `repos:`. */
export function addPreCommitRepo(text: string, command: string): string {
  const repo = [
    '- repo: local',
    '  hooks:',
    '    - id: keyguard',
    '      name: keyguard (Anthropic credentials)',
    `      entry: ${command}`,
    '      language: system',
    '      pass_filenames: false',
  ];
  const lines = text.split('\n');
  const start = lines.findIndex((line) => /^repos\s*:/.test(line));
  if (start === -1) return appendBlock(text, ['repos:', ...pad(2, repo)]);
  if (/^repos\s*:\s*\[\s*\]/.test(lines[start]!)) lines[start] = 'repos:';
  const end = sectionEnd(lines, start);
  const firstItem = lines.slice(start + 1, end).find((line) => /^\s*- /.test(line));
  const indent = firstItem ? indentOf(firstItem) : 2;
  lines.splice(end, 0, ...pad(indent, [BEGIN, ...repo, END]));
  return lines.join('\n');
}
