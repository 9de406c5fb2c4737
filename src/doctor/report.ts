import { escapeTerminal as e } from '../shared/escape.js';
import type { DoctorReport } from './runner.js';
import type { CheckStatus } from './types.js';

export interface DoctorPalette {
  red: (s: string) => string;
  yellow: (s: string) => string;
  green: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

const plain: DoctorPalette = { red: String, yellow: String, green: String, dim: String, bold: String };

/** `keyguard doctor --format json`: exactly DESIGN §5. */
export function formatDoctorJson(report: DoctorReport): string {
  const checks = report.checks.map(({ id, status, message, paths, fix }) => ({ id, status, message, paths, fix }));
  return `${JSON.stringify({ version: 1, checks }, null, 2)}\n`;
}

const MARK: Record<CheckStatus, string> = { pass: '✔', warn: '!', fail: '✖', skip: '-' };

export function formatDoctorText(report: DoctorReport, color: DoctorPalette = plain): string {
  const c = color;
  const paint: Record<CheckStatus, (s: string) => string> = { pass: c.green, warn: c.yellow, fail: c.red, skip: c.dim };
  const width = Math.max(...report.checks.map((r) => r.id.length));
  const out: string[] = [];
  for (const result of report.checks) {
    const mark = paint[result.status](MARK[result.status]);
    // Messages and fixes quote paths the repository names: one line each, control characters escaped.
    const message = result.status === 'skip' ? c.dim(`skipped: ${e(result.message)}`) : e(result.message);
    out.push(`${mark} ${result.id.padEnd(width)}  ${message}`);
    for (const change of report.fixed[result.id] ?? [])
      out.push(`  ${' '.repeat(width)}  ${c.green(`fixed: ${e(change)}`)}`);
    if (result.fix && (result.status === 'warn' || result.status === 'fail')) {
      out.push(`  ${' '.repeat(width)}  ${c.dim(`fix: ${e(result.fix)}`)}`);
    }
  }
  const count = (status: CheckStatus) => report.checks.filter((r) => r.status === status).length;
  const parts = [`${count('pass')} passed`];
  if (count('warn')) parts.push(c.yellow(`${count('warn')} warning${count('warn') === 1 ? '' : 's'}`));
  if (count('fail')) parts.push(c.red(`${count('fail')} failed`));
  if (count('skip')) parts.push(`${count('skip')} skipped`);
  out.push('');
  out.push(`${c.bold(`${report.checks.length} checks`)}: ${parts.join(', ')} · ${report.durationMs} ms`);
  return `${out.join('\n')}\n`;
}
