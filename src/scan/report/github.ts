import { ruleById } from '../../key/rules.js';
import { neutraliseOutput } from '../../shared/escape.js';
import { leftOut, type ReportInput } from './report.js';

/**
 * Workflow-command escaping: data escapes %, CR, LF; property values also `:` and `,`. Other control
 * characters (ESC, C1, bidi) are shown escaped, as in every human-facing format.
 */
const escapeData = (s: string) =>
  neutraliseOutput(s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A'), false);
const escapeProperty = (s: string) => escapeData(s).replaceAll(':', '%3A').replaceAll(',', '%2C');

/** GitHub Actions annotations, one `::error` (or `::warning`) line a finding, and a notice summary. */
export function formatGithub(input: ReportInput): string {
  const lines = input.findings.map((f) => {
    const rule = ruleById(f.rule);
    const level = f.severity === 'critical' || f.severity === 'high' ? 'error' : 'warning';
    const title = `${rule?.title ?? f.rule} (${f.rule})`;
    const text = [
      `${rule?.title ?? f.rule} ${f.hint} (fingerprint ${f.fingerprint.slice(0, 12)})`,
      f.commit ? ` introduced in ${f.commit.slice(0, 12)}` : '',
      f.verification ? ` verification: ${f.verification.status}` : '',
      `. ${rule?.remediation ?? ''}`,
    ].join('');
    const props = `file=${escapeProperty(f.path)},line=${f.line},col=${f.column},title=${escapeProperty(title)}`;
    return `::${level} ${props}::${escapeData(text)}`;
  });
  const s = input.summary;
  const extras = leftOut(s);
  const tail = extras.length ? ` · ${extras.join(', ')}` : '';
  lines.push(`::notice title=keyguard::${escapeData(`${s.findings} finding(s) in ${s.files} file(s) scanned${tail}`)}`);
  return `${lines.join('\n')}\n`;
}
