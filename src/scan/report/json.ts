import { TOOL } from '../../shared/version.js';
import type { ReportInput } from './report.js';

/** DESIGN §2: one JSON document, findings in the contract's field order. */
export function formatJson(input: ReportInput): string {
  const findings = input.findings.map((f) => {
    const secret = input.secrets?.(f);
    return {
      rule: f.rule,
      severity: f.severity,
      fingerprint: f.fingerprint,
      hint: f.hint,
      path: f.path,
      line: f.line,
      column: f.column,
      commit: f.commit,
      author: f.author,
      date: f.date,
      reachability: f.reachability,
      verification: f.verification,
      ...(secret ? { secret } : {}),
    };
  });
  const { files, bytes, durationMs } = input.summary;
  const summary = {
    files,
    bytes,
    findings: input.findings.length,
    durationMs,
    ...(input.summary.skipped ? { skipped: input.summary.skipped } : {}),
    ...(input.summary.baselined ? { baselined: input.summary.baselined } : {}),
    ...(input.summary.allowed ? { allowed: input.summary.allowed } : {}),
  };
  return `${JSON.stringify({ version: 1, tool: TOOL, findings, summary }, null, 2)}\n`;
}
