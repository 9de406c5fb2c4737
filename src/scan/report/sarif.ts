import { ALL_RULES, ruleById } from '../../key/rules.js';
import type { Severity } from '../../key/severity.js';
import { TOOL } from '../../shared/version.js';
import type { Finding } from '../finding.js';
import type { ReportInput } from './report.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};

/** GitHub code scanning reads `security-severity` (0–10) to rank alerts. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.8', high: '8.0', medium: '5.0', low: '2.0' };

function artifactUri(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment).replaceAll('%21', '!'))
    .join('/');
}

function message(finding: Finding): string {
  const rule = ruleById(finding.rule);
  const parts = [`${rule?.title ?? finding.rule} ${finding.hint} (fingerprint ${finding.fingerprint.slice(0, 12)})`];
  if (finding.encoding) parts.push(`stored ${finding.encoding}-encoded`);
  if (finding.commit) parts.push(`introduced in ${finding.commit.slice(0, 12)}`);
  if (finding.verification) parts.push(`verification: ${finding.verification.status}`);
  return `${parts.join(', ')}.`;
}

/** SARIF 2.1.0 for code scanning: every rule with help text, results keyed by the key's fingerprint. */
export function formatSarif(input: ReportInput): string {
  const rules = ALL_RULES.map((rule) => ({
    id: rule.id,
    name: rule.title.replace(/[^A-Za-z0-9]+/g, ''),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description },
    help: {
      text: `${rule.description}\n\n${rule.remediation}`,
      markdown: `**${rule.title}**\n\n${rule.description}\n\n**What to do:** ${rule.remediation}`,
    },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: { tags: ['security', 'secret', 'anthropic'], 'security-severity': SECURITY_SEVERITY[rule.severity] },
  }));
  const results = input.findings.map((f) => {
    const properties: Record<string, unknown> = { severity: f.severity, hint: f.hint };
    if (f.commit) Object.assign(properties, { commit: f.commit, author: f.author, date: f.date });
    if (f.reachability.length) properties.reachability = f.reachability;
    if (f.verification) properties.verification = f.verification;
    return {
      ruleId: f.rule,
      ruleIndex: ALL_RULES.findIndex((r) => r.id === f.rule),
      level: LEVEL[f.severity],
      message: { text: message(f) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: artifactUri(f.path), uriBaseId: '%SRCROOT%' },
            region: { startLine: f.line, startColumn: f.column },
          },
        },
      ],
      partialFingerprints: { 'keyguardFingerprint/v1': f.fingerprint },
      properties,
    };
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL.name,
            version: TOOL.version,
            semanticVersion: TOOL.version,
            informationUri: 'https://www.npmjs.com/package/keyguard',
            rules,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The repository root.' } } },
        columnKind: 'utf16CodeUnits',
        results,
        // What the scan left out, so code scanning shows a run that excluded everything as such.
        properties: {
          files: input.summary.files,
          excluded: input.summary.excluded ?? 0,
          baselined: input.summary.baselined ?? 0,
          allowed: input.summary.allowed ?? 0,
          ...(input.summary.skipped ? { skipped: input.summary.skipped } : {}),
          ...(input.summary.failOn ? { failOn: input.summary.failOn } : {}),
        },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
