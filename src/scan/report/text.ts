import { SEVERITIES } from '../../key/severity.js';
import { escapeTerminal as e } from '../../shared/escape.js';
import type { Finding } from '../finding.js';
import { leftOut, type Palette, plain, type ReportInput } from './report.js';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function severityLabel(finding: Finding, c: Palette): string {
  const label = finding.severity.padEnd(8);
  if (finding.severity === 'critical' || finding.severity === 'high') return c.red(label);
  return finding.severity === 'medium' ? c.yellow(label) : c.dim(label);
}

function detailLines(finding: Finding, c: Palette): string[] {
  const lines: string[] = [];
  const notes = [`fingerprint ${finding.fingerprint.slice(0, 12)}`];
  if (finding.encoding) notes.push(`${finding.encoding}-encoded`);
  if (finding.verification)
    notes.push(`verification: ${finding.verification.status} (${e(finding.verification.detail)})`);
  lines.push(notes.join(' · '));
  if (finding.commit) {
    const who = finding.author ? ` by ${e(finding.author)}` : '';
    const when = finding.date ? ` on ${finding.date.slice(0, 10)}` : '';
    lines.push(`commit ${finding.commit.slice(0, 12)}${who}${when}`);
  }
  if (finding.reachability.length && !(finding.reachability.length === 1 && finding.reachability[0] === 'worktree')) {
    lines.push(`reachable from ${e(finding.reachability.join(', '))}`);
  }
  return lines.map((line) => c.dim(line));
}

/** The default report: findings grouped by file, then one summary line. */
export function formatText(input: ReportInput): string {
  const c = input.color ?? plain;
  const out: string[] = [];
  const byPath = new Map<string, Finding[]>();
  for (const finding of input.findings) byPath.set(finding.path, [...(byPath.get(finding.path) ?? []), finding]);
  for (const [path, findings] of byPath) {
    out.push(c.bold(c.cyan(e(path))));
    for (const f of findings) {
      const where = `${f.line}:${f.column}`.padEnd(9);
      const key = input.secrets?.(f) ?? f.hint;
      out.push(`  ${where} ${severityLabel(f, c)} ${f.rule.padEnd(30)} ${key}`);
      for (const line of detailLines(f, c)) out.push(`  ${' '.repeat(9)} ${line}`);
    }
    out.push('');
  }
  for (const warning of input.warnings ?? []) out.push(c.yellow(`warning: ${e(warning)}`));
  const s = input.summary;
  const scanned = `scanned ${plural(s.files, 'file')} (${formatBytes(s.bytes)}) in ${s.durationMs} ms`;
  const extras = leftOut(s);
  const tail = extras.length ? ` · ${extras.join(', ')}` : '';
  if (input.findings.length === 0) {
    out.push(c.green(`✔ No Anthropic credentials found`) + ` · ${scanned}${tail}`);
  } else {
    const counts = new Map<string, number>();
    for (const f of input.findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
    const breakdown = SEVERITIES.filter((sev) => counts.has(sev))
      .map((sev) => `${counts.get(sev)} ${sev}`)
      .join(', ');
    out.push(
      c.red(c.bold(`✖ ${plural(input.findings.length, 'finding')}`)) +
        ` (${breakdown}) in ${plural(byPath.size, 'file')} · ${scanned}${tail}`,
    );
  }
  return `${out.join('\n')}\n`;
}
