import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/key/fingerprint.js';
import { makeKey } from '../../src/key/keygen.js';
import { cli } from '../helpers/cli.js';
import { git, gitdir, writeFiles } from '../helpers/git.js';

/**
 * A pull request can switch detection off with its own config, baseline or allow comments. It may
 * (the repository owns those files), but never silently: the summary counts what was left out, and
 * --range reports the change itself as a finding a reviewer sees.
 */
const baselineOf = (...keys: string[]) =>
  `${JSON.stringify({ version: 1, entries: keys.map((k) => ({ fingerprint: fingerprint(k) })) }, null, 2)}\n`;

describe('the summary says what was left out', () => {
  it('scan.exclude ["**"]: the text and JSON summaries count the excluded files', async () => {
    const dir = gitdir({ 'a.env': `KEY=${makeKey()}\n`, 'keyguard.config.json': '{"scan":{"exclude":["**"]}}' });
    const text = await cli(['scan'], { cwd: dir });
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/2 excluded/);
    const json = JSON.parse((await cli(['scan', '--format', 'json'], { cwd: dir })).stdout);
    expect(json.summary).toMatchObject({ files: 0, findings: 0, excluded: 2, baselined: 0, allowed: 0 });
  });

  it('JSON always carries excluded, baselined and allowed, even when zero', async () => {
    const dir = gitdir({ 'readme.txt': 'nothing here\n' });
    const json = JSON.parse((await cli(['scan', '--format', 'json'], { cwd: dir })).stdout);
    expect(json.summary).toMatchObject({ excluded: 0, baselined: 0, allowed: 0 });
  });

  it('a failOn raised by the config is said in the summary (text, JSON, github)', async () => {
    const dir = gitdir({ 'keyguard.config.json': '{"scan":{"failOn":"critical"}}', 'x.txt': 'x\n' });
    const text = await cli(['scan'], { cwd: dir });
    expect(text.stdout).toMatch(/fail-on critical/);
    const json = JSON.parse((await cli(['scan', '--format', 'json'], { cwd: dir })).stdout);
    expect(json.summary.failOn).toBe('critical');
    const gh = await cli(['scan', '--format', 'github'], { cwd: dir });
    expect(gh.stdout).toMatch(/fail-on critical/);
  });

  it('github and SARIF formats carry the counts too', async () => {
    const key = makeKey();
    const dir = gitdir({ 'a.env': `KEY=${key} # keyguard:allow\n`, 'skip/b.env': `K=${makeKey()}\n` });
    const gh = await cli(['scan', '--format', 'github', '--exclude', 'skip/**'], { cwd: dir });
    expect(gh.stdout).toMatch(/1 excluded/);
    expect(gh.stdout).toMatch(/1 allowed/);
    const sarif = JSON.parse((await cli(['scan', '--format', 'sarif', '--exclude', 'skip/**'], { cwd: dir })).stdout);
    expect(sarif.runs[0].properties).toMatchObject({ excluded: 1, allowed: 1, baselined: 0 });
  });
});

describe('--range reports what a pull request did to detection', () => {
  function pullRequest() {
    const kept = makeKey();
    const added = makeKey();
    const dir = gitdir({ 'keyguard.config.json': '{}\n', 'src/app.ts': 'export const x = 1;\n' });
    const base = git(dir, 'rev-parse', 'HEAD');
    writeFiles(dir, {
      'keyguard.config.json': '{\n  "scan": { "exclude": ["src/**"] }\n}\n',
      '.keyguard-baseline.json': baselineOf(added),
      'src/app.ts': `export const x = 1;\nexport const k = '${kept}'; // keyguard:allow\nexport const j = '${added}';\n`,
    });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'quietly');
    return { dir, base, head: git(dir, 'rev-parse', 'HEAD') };
  }

  it('config, baseline and allow-comment changes are keyguard-config-weakened findings (medium, path/commit/line)', async () => {
    const { dir, base, head } = pullRequest();
    const res = await cli(['scan', '--range', `${base}..HEAD`, '--format', 'json'], { cwd: dir });
    const weakened = JSON.parse(res.stdout).findings.filter(
      (f: { rule: string }) => f.rule === 'keyguard-config-weakened',
    );
    const where = weakened.map((f: { path: string; line: number }) => `${f.path}:${f.line}`).sort();
    expect(where).toEqual(['.keyguard-baseline.json:5', 'keyguard.config.json:2', 'src/app.ts:2']);
    for (const f of weakened) {
      expect(f.severity).toBe('medium');
      expect(f.commit).toBe(head);
    }
  });

  it('the text report shows them and the default fail-on stays high (exit 0)', async () => {
    const { dir, base } = pullRequest();
    const res = await cli(['scan', '--range', `${base}..HEAD`], { cwd: dir });
    expect(res.stdout).toMatch(/keyguard-config-weakened/);
    expect(res.exitCode).toBe(0);
    const strict = await cli(['scan', '--range', `${base}..HEAD`, '--fail-on', 'medium'], { cwd: dir });
    expect(strict.exitCode).toBe(1);
  });

  it('SARIF lists the rule', async () => {
    const { dir, base } = pullRequest();
    const res = await cli(['scan', '--range', `${base}..HEAD`, '--format', 'sarif'], { cwd: dir });
    const run = JSON.parse(res.stdout).runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toContain('keyguard-config-weakened');
    expect(run.results.some((r: { ruleId: string }) => r.ruleId === 'keyguard-config-weakened')).toBe(true);
  });
});
