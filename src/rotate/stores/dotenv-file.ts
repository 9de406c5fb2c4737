import { StoreError } from '../../shared/errors.js';

/**
 * Find and replace one variable in env-file text without disturbing anything else: comments, order,
 * blank lines, `export ` prefixes, quoting style, trailing comments and line endings all survive.
 */
export interface Assignment {
  /** Line index in text.split('\n'). */
  line: number;
  /** Everything before the value (`export NAME=`), the quote used (or ''), everything after. */
  head: string;
  quote: string;
  value: string;
  tail: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function checkVariableName(name: string): void {
  if (!NAME.test(name)) throw new StoreError(`${JSON.stringify(name)} is not a valid variable name.`, { exitCode: 2 });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every assignment of `name` in the text (a later one wins when dotenv loads the file). */
export function findAssignments(text: string, name: string, where: string): Assignment[] {
  const start = new RegExp(`^(\\s*(?:export\\s+)?${escapeRegExp(name)}\\s*=\\s*)(.*)$`);
  const found: Assignment[] = [];
  text.split('\n').forEach((raw, line) => {
    const cr = raw.endsWith('\r') ? '\r' : '';
    const match = start.exec(cr ? raw.slice(0, -1) : raw);
    if (!match) return;
    const head = match[1]!;
    const rest = match[2]!;
    const quote = /^["'`]/.test(rest) ? rest[0]! : '';
    if (quote) {
      let end = 1;
      while (end < rest.length && rest[end] !== quote) end += rest[end] === '\\' && quote === '"' ? 2 : 1;
      if (end >= rest.length) {
        throw new StoreError(
          `${where}: ${name} has a multi-line or unterminated value, which keyguard does not edit.`,
          {
            exitCode: 2,
          },
        );
      }
      found.push({ line, head, quote, value: rest.slice(1, end), tail: rest.slice(end + 1) + cr });
    } else {
      const comment = /\s+#/.exec(rest);
      const body = comment ? rest.slice(0, comment.index) : rest;
      const value = body.trimEnd();
      found.push({ line, head, quote, value, tail: rest.slice(value.length) + cr });
    }
  });
  return found;
}

/** The text with every assignment of `name` set to `value`, or one appended when there is none. */
export function setVariable(text: string, name: string, value: string, where: string): string {
  const found = findAssignments(text, name, where);
  if (found.length === 0) {
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const sep = text === '' || text.endsWith('\n') ? '' : eol;
    return `${text}${sep}${name}=${value}${eol}`;
  }
  const lines = text.split('\n');
  for (const a of found) lines[a.line] = `${a.head}${a.quote}${value}${a.quote}${a.tail}`;
  return lines.join('\n');
}
