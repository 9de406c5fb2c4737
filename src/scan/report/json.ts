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
    // Always present, zero included: what was left out is part of the answer (a PR can exclude "**").
    excluded: input.summary.excluded ?? 0,
    baselined: input.summary.baselined ?? 0,
    allowed: input.summary.allowed ?? 0,
    ...(input.summary.failOn ? { failOn: input.summary.failOn } : {}),
  };
  return `${JSON.stringify({ version: 1, tool: TOOL, findings, summary }, null, 2)}\n`;
}
