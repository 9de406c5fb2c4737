import { markdownCode as code, escapeTerminal as e, escapeMarkdown as md } from '../../shared/escape.js';
import { TOOL } from '../../shared/version.js';
import type { Finding } from '../finding.js';
import type { Trace } from './trace.js';

export const TRACE_FORMATS = ['text', 'json', 'markdown'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

const day = (date: string | null) => (date ? date.slice(0, 10) : '—');
const short = (commit: string | null) => (commit ? commit.slice(0, 12) : '—');

function where(trace: Trace): string[] {
  const labels = trace.reachability;
  const lines: string[] = [];
  const pick = (prefix: string) => labels.filter((l) => l.startsWith(prefix)).map((l) => e(l.slice(prefix.length)));
  lines.push(`still in HEAD: ${labels.includes('HEAD') ? 'yes' : 'no'}`);
  lines.push(`in the working tree: ${labels.includes('worktree') ? 'yes' : 'no'}`);
  const remotes = pick('remote:');
  lines.push(`pushed: ${remotes.length ? `yes (${remotes.join(', ')})` : 'no remote-tracking ref holds it'}`);
  const branches = pick('branch:');
  if (branches.length) lines.push(`branches: ${branches.join(', ')}`);
  const tags = pick('tag:');
  if (tags.length) lines.push(`tags: ${tags.join(', ')}`);
  for (const label of ['stash', 'reflog', 'unreachable']) if (labels.includes(label)) lines.push(`${label}: yes`);
  return lines;
}

function window(trace: Trace): string {
  if (!trace.firstExposure) return 'unknown (never committed)';
  const stillThere = trace.reachability.some((l) => l !== 'unreachable');
  return `${trace.firstExposure.date} → ${stillThere ? 'now (still reachable; revoke to close it)' : 'until it became unreachable'}`;
}

export function formatTraceText(trace: Trace): string {
  if (trace.locations.length === 0) {
    return `Key ${trace.fingerprint.slice(0, 12)} not found in this repository (history, stashes, reflog, unreachable objects and the working tree: ${trace.scanned.blobs} blobs).\n`;
  }
  const out = [
    `Key ${trace.hint} (${trace.rule}) · fingerprint ${trace.fingerprint}`,
    `found in ${trace.locations.length} place(s)`,
    trace.firstExposure
      ? `first exposure: ${trace.firstExposure.date} in ${short(trace.firstExposure.commit)} (${e(trace.firstExposure.path)}) by ${e(trace.firstExposure.author ?? 'unknown')}`
      : 'first exposure: not in any commit',
    `exposure window: ${window(trace)}`,
    ...where(trace),
    '',
  ];
  for (const f of trace.locations) {
    out.push(`${e(f.path)}:${f.line}:${f.column}`);
    out.push(
      `  commit ${short(f.commit)}${f.author ? ` by ${e(f.author)}` : ''}${f.date ? ` on ${day(f.date)}` : ''} · ${e(f.reachability.join(', ')) || '—'}`,
    );
  }
  for (const w of trace.warnings) out.push(`warning: ${e(w)}`);
  return `${out.join('\n')}\n`;
}

const location = (f: Finding) => ({
  path: f.path,
  line: f.line,
  column: f.column,
  commit: f.commit,
  author: f.author,
  date: f.date,
  reachability: f.reachability,
});

export function formatTraceJson(trace: Trace): string {
  const doc = {
    version: 1,
    tool: TOOL,
    fingerprint: trace.fingerprint,
    found: trace.locations.length > 0,
    hint: trace.hint,
    rule: trace.rule,
    firstExposure: trace.firstExposure,
    lastIntroduced: trace.lastIntroduced,
    pushed: trace.pushed,
    reachability: trace.reachability,
    locations: trace.locations.map(location),
    warnings: trace.warnings,
    summary: trace.scanned,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Repository text in a markdown cell or list item: shown as text (no HTML, link, emphasis or cell break). */
const cell = md;

/** An incident report to paste into a ticket: summary, locations, response checklist. */
export function formatTraceMarkdown(trace: Trace, now = new Date()): string {
  const out = [`# Incident: exposed Anthropic credential ${trace.hint ?? trace.fingerprint.slice(0, 12)}`, ''];
  if (trace.locations.length === 0) {
    out.push(
      `No location found for fingerprint \`${trace.fingerprint}\` in this repository (${trace.scanned.blobs} blobs, stashes, reflog, unreachable objects and the working tree), ${now.toISOString()}.`,
    );
    return `${out.join('\n')}\n`;
  }
  const first = trace.firstExposure;
  out.push(
    '## Summary',
    '',
    `| | |`,
    `|---|---|`,
    `| Key | \`${trace.hint}\` (${trace.rule}) |`,
    `| Fingerprint (SHA-256) | \`${trace.fingerprint}\` |`,
    `| First exposure | ${first ? `${first.date}, commit \`${short(first.commit)}\` (${code(first.path)}) by ${cell(first.author ?? 'unknown')}` : 'not in any commit'} |`,
    `| Exposure window | ${window(trace)} |`,
    `| Pushed | ${trace.pushed ? `**yes**: ${cell(trace.reachability.filter((l) => l.startsWith('remote:')).join(', '))}` : 'no remote-tracking ref holds it (check other clones and CI caches)'} |`,
    `| Still in HEAD / working tree | ${trace.reachability.includes('HEAD') ? 'yes' : 'no'} / ${trace.reachability.includes('worktree') ? 'yes' : 'no'} |`,
    `| Traced | ${now.toISOString()}, ${trace.scanned.blobs} blobs |`,
    '',
    '## Locations',
    '',
    '| Path | Line | Commit | Author | Date | Reachable from |',
    '|---|---:|---|---|---|---|',
  );
  for (const f of trace.locations) {
    out.push(
      `| ${code(f.path)} | ${f.line} | ${f.commit ? `\`${short(f.commit)}\`` : '—'} | ${cell(f.author ?? '—')} | ${day(f.date)} | ${cell(f.reachability.join(', ')) || '—'} |`,
    );
  }
  out.push(
    '',
    '## Response checklist',
    '',
    `- [ ] Revoke the key in the Anthropic Console (Settings → API keys; match the hint \`${trace.hint}\`).`,
    '- [ ] Rotate: put a new key in every environment that used it (`keyguard rotate --env <name>`).',
    '- [ ] Review usage and billing for the exposure window (Console usage and cost pages) for calls you do not recognise.',
    '- [ ] Find the source: how the key got into the files above, and fix that path (`keyguard hook install`, `.gitignore`).',
    trace.pushed
      ? '- [ ] Do not rely on rewriting history: the key was pushed, so treat it as public; revoking is the fix.'
      : '- [ ] Rewrite history only because it was never pushed (e.g. `git filter-repo`), then expire the reflog and gc.',
    '- [ ] Record the incident: this report, the revocation time and who did it.',
  );
  if (trace.warnings.length) out.push('', '## Notes', '', ...trace.warnings.map((w) => `- ${cell(w)}`));
  return `${out.join('\n')}\n`;
}

export function formatTrace(trace: Trace, format: TraceFormat): string {
  if (format === 'json') return formatTraceJson(trace);
  if (format === 'markdown') return formatTraceMarkdown(trace);
  return formatTraceText(trace);
}
