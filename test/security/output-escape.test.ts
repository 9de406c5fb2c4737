import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { makeKey } from '../../src/key/keygen.js';
import { cli, spawnCli } from '../helpers/cli.js';
import { GIT_ENV, git, gitdir } from '../helpers/git.js';

/**
 * Issue 11, item 6: names and authors a repository controls reach the terminal and the incident
 * ticket. Control characters (ESC, CR, newline, C1, bidi overrides) are shown escaped, never acted on;
 * markdown and HTML in them are shown as text.
 */

// Built from escapes so the source file itself holds no control character.
const ESC = '\u001b';
const RLO = '\u202e';
const C1_CSI = '\u009b';
/** Every raw character a terminal would act on or that reorders text; \n and \t are checked apart. */
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

/** A name that clears the screen, sets a hyperlink, flips text and forges a report line. */
const HOSTILE = `a${ESC}[2J${ESC}]8;;https:evil.example${ESC}\\x${C1_CSI}31m${RLO}vne.\rFORGED\nFORGED`;
/**
 * The same without a newline, for history and trace: a newline in a committed path is the GIT part's
 * (hash-object over newline-separated paths); here the newline comes from the author name instead.
 */
const HOSTILE_LINE = HOSTILE.replace('\n', '');

function expectInert(text: string): void {
  expect(text).not.toMatch(ACTIVE);
  expect(text).not.toMatch(/^FORGED/m);
}

/**
 * Commit the index with an author line git's porcelain would refuse (control characters, `<`):
 * written as a raw object, as a hostile repository can hold it.
 */
function commitAs(dir: string, author: string): void {
  git(dir, 'add', '-A');
  const tree = git(dir, 'write-tree');
  const body = `tree ${tree}\nauthor ${author} <eve@example.com> 1767323045 +0000\ncommitter Eve <eve@example.com> 1767323045 +0000\n\nx\n`;
  const commit = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], {
    cwd: dir,
    env: GIT_ENV,
    input: body,
  })
    .toString()
    .trim();
  git(dir, 'update-ref', 'refs/heads/main', commit);
}

function hostileRepo(name = HOSTILE_LINE) {
  const key = makeKey();
  const dir = gitdir({ [`${name}.env`]: `K=${key}\n`, 'README.md': 'x\n' }, { commit: false });
  commitAs(dir, `Eve${ESC}[8m${RLO}\rFORGED`);
  return { dir, key };
}

describe('control characters in names are shown escaped', () => {
  it('scan (working tree), text and github: no raw control character, no forged line', async () => {
    const { dir } = hostileRepo(HOSTILE);
    for (const format of ['text', 'github']) {
      const result = await cli(['scan', '--format', format], { cwd: dir });
      expect(result.exitCode).toBe(1);
      expectInert(result.stdout);
      expectInert(result.stderr);
    }
    const text = await cli(['scan'], { cwd: dir });
    expect(text.stdout).toContain('\\u001b[2J');
    expect(text.stdout).toContain('\\r');
    expect(text.stdout).toContain('\\n');
  });

  it('scan --history, text: paths and author names', async () => {
    const { dir } = hostileRepo();
    const result = await cli(['scan', '--history'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expectInert(result.stdout);
    expect(result.stdout).toContain('Eve');
  });

  it('json stays raw JSON: the name round-trips exactly', async () => {
    const { dir } = hostileRepo(HOSTILE);
    const result = await cli(['scan', '--format', 'json'], { cwd: dir });
    expect(result.stdout).not.toMatch(ACTIVE);
    expect(JSON.parse(result.stdout).findings[0].path).toBe(`${HOSTILE}.env`);
  });

  it('trace, text: paths and author names', async () => {
    const { dir, key } = hostileRepo();
    const result = await cli(['trace'], { cwd: dir, stdinText: key });
    expect(result.exitCode).toBe(1);
    expectInert(result.stdout);
  });

  it('doctor, text: a tracked env file with a hostile name', async () => {
    const { dir } = hostileRepo(HOSTILE);
    const result = await cli(['doctor'], { cwd: dir });
    expect(result.stdout).toContain('env-tracked');
    expectInert(result.stdout);
  });

  it('an error message quoting a path', async () => {
    const dir = gitdir({ 'a.txt': 'a\n' });
    const result = await cli(['scan', `missing${HOSTILE}`], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expectInert(result.stderr);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('the built CLI: a hostile path in an error and in a report', async () => {
    const { dir } = hostileRepo();
    const report = await spawnCli(['scan', '--history'], { cwd: dir });
    expect(report.exitCode).toBe(1);
    expectInert(report.stdout);
    const error = await spawnCli(['scan', `missing${HOSTILE}`], { cwd: dir });
    expect(error.exitCode).toBe(2);
    expectInert(error.stderr);
  });
});

describe('trace --format markdown shows names as text', () => {
  function markdownRepo() {
    const key = makeKey();
    const path = 'a`b|c` <img src=x onerror=alert(1)> [x](http://evil.example) *y*.env';
    const dir = gitdir({ [path]: `K=${key}\n` }, { commit: false });
    commitAs(dir, `<script>alert(1)</script> [click](http://evil.example) | **boss** ${ESC}[2J`);
    return { dir, key };
  }

  it('no HTML, no link, no broken table row, no raw control character', async () => {
    const { dir, key } = markdownRepo();
    const result = await cli(['trace', '--format', 'markdown'], { cwd: dir, stdinText: key });
    expect(result.exitCode).toBe(1);
    const md = result.stdout;
    expect(md).not.toMatch(ACTIVE);
    // Inside a code span HTML and links are literal text; everywhere else they must be escaped.
    const outsideCode = md.replace(/(`+)(?!`)[^\n]*?(?<!`)\1(?!`)/g, '');
    expect(outsideCode).not.toMatch(/<script|<img/i);
    expect(outsideCode).not.toMatch(/\]\(http/);
    expect(md).toContain('&lt;script&gt;');
    expect(md).toContain('``a`b\\|c` <img');
    const rows = md.split('\n').filter((line) => line.startsWith('| ') && line.includes('evil'));
    expect(rows.length).toBeGreaterThan(0);
    // A row of the locations table has exactly 7 unescaped pipes (6 cells); the summary table 3.
    for (const row of rows) {
      const pipes = row.match(/(?<!\\)\|/g)?.length;
      expect([3, 7]).toContain(pipes);
    }
  });
});

describe('files a repository commits for keyguard are shown escaped', () => {
  it('baseline prune: a stale entry with a hostile path and a key for a hint', async () => {
    const key = makeKey();
    const entry = { fingerprint: 'f'.repeat(64), rule: 'anthropic-api-key', path: HOSTILE, hint: key };
    const dir = gitdir({ '.keyguard-baseline.json': JSON.stringify({ version: 1, entries: [entry] }), 'a.txt': 'a\n' });
    const result = await cli(['baseline', 'prune'], { cwd: dir });
    expect(result.stdout).toContain('removed');
    expectInert(result.stdout);
    expect(result.stdout).not.toContain(key);
  });

  it('progress: only keyguard’s own clear-line prefix reaches the terminal', async () => {
    const { dir } = hostileRepo();
    const drawn: string[] = [];
    // Progress is drawn only on a terminal outside CI.
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', CI: undefined };
    await cli(['scan', '--history'], { cwd: dir, env, stderrIsTTY: true, progress: (text) => drawn.push(text) });
    expect(drawn.length).toBeGreaterThan(0);
    for (const text of drawn) expect(text.replace(/^\r\u001b\[2K/, '')).not.toMatch(ACTIVE);
  });
});
