import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/scan/finding.js';
import { formatGithub } from '../../../src/scan/report/github.js';
import { formatSarif } from '../../../src/scan/report/sarif.js';
import { formatText } from '../../../src/scan/report/text.js';

const finding = (path: string): Finding => ({
  rule: 'anthropic-api-key',
  severity: 'critical',
  fingerprint: 'f'.repeat(64),
  hint: 'sk-ant-api03-abc...wxAA',
  path,
  line: 3,
  column: 7,
  commit: null,
  author: null,
  date: null,
  reachability: ['worktree'],
  verification: null,
});
const summary = { files: 1, bytes: 10, findings: 1, durationMs: 5 };

describe('reporters escape what their format needs', () => {
  it('github: %, CR, LF in data; also : and , in properties', () => {
    const out = formatGithub({ findings: [finding('dir,a/b:c%d.env')], summary });
    expect(out.split('\n')[0]).toMatch(/^::error file=dir%2Ca\/b%3Ac%25d\.env,line=3,col=7,title=/);
  });

  it('sarif: percent-encodes each path segment but keeps the archive separator !', () => {
    const sarif = JSON.parse(formatSarif({ findings: [finding('my dir/a.zip!in ner/x#.env')], summary }));
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(
      'my%20dir/a.zip!in%20ner/x%23.env',
    );
  });

  it('text: no colour codes with the plain palette; the summary counts by severity', () => {
    const out = formatText({ findings: [finding('a.env'), { ...finding('b.env'), severity: 'medium' }], summary });
    expect(out).not.toMatch(/\x1b\[/);
    expect(out).toContain('✖ 2 findings (1 critical, 1 medium) in 2 files');
  });
});
