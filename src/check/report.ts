import { escapeTerminal as e } from '../shared/escape.js';
import type { KeyCheck } from './check-key.js';

export interface CheckPalette {
  red: (s: string) => string;
  green: (s: string) => string;
  yellow: (s: string) => string;
  dim: (s: string) => string;
}

const plain: CheckPalette = { red: String, green: String, yellow: String, dim: String };
const KIND_NAMES: Record<string, string> = { api03: 'Anthropic API key', admin01: 'Anthropic Admin API key' };

export function formatCheckJson(check: KeyCheck): string {
  return `${JSON.stringify(check, null, 2)}\n`;
}

function sourceLine(check: KeyCheck): string {
  if (!check.found) return `${e(check.variable)}: not set`;
  const from = check.source === 'environment' ? 'the environment' : e(check.file ?? '');
  let line = `${e(check.variable)}: from ${from}`;
  if (check.shadowed) {
    const how = check.shadowed.same ? 'to the same key' : 'to a different value';
    line += ` (${e(check.shadowed.file)} also sets it, ${how}; the environment wins, as with dotenv)`;
  }
  return line;
}

export function formatCheckText(check: KeyCheck, color: CheckPalette = plain): string {
  const c = color;
  const out = [sourceLine(check)];
  if (check.found) {
    const shown = check.hint ?? 'not shown';
    out.push(`key: ${shown} (${check.length} characters)`);
  }
  if (check.wellFormed) {
    out.push(`${c.green('✔')} well-formed ${KIND_NAMES[check.kind ?? ''] ?? 'key'}`);
  } else {
    for (const problem of check.problems)
      out.push(`${c.red('✖')} ${check.found ? 'the value' : e(check.variable)} ${e(problem.message)}`);
    if (check.keyInsideLooksRight) out.push(c.dim('  the key inside looks right: fix how it was pasted'));
  }
  if (check.live) {
    const { status, detail } = check.live;
    const mark =
      status === 'active' ? c.green('✔') : status === 'unknown' || status === 'skipped' ? c.yellow('?') : c.red('✖');
    const extra = [check.live.httpStatus ? `HTTP ${check.live.httpStatus}` : '', check.live.requestId ?? '']
      .filter(Boolean)
      .join(', ');
    out.push(`${mark} live: ${status} · ${e(detail)}${extra ? c.dim(` · ${e(extra)}`) : ''}`);
  }
  return `${out.join('\n')}\n`;
}
