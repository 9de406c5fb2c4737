import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../src/key/fingerprint.js';
import { seededRandom } from '../../../src/key/keygen.js';
import { listLocalBlobs } from '../../../src/scan/history/enumerate.js';
import { PackIndex, parseObjectHeader } from '../../../src/scan/history/pack/format.js';
import { planPacks } from '../../../src/scan/history/pack/plan.js';
import { runPackTask } from '../../../src/scan/history/pack/task.js';
import { scanBlobs } from '../../../src/scan/history/scan-blobs.js';
import { spawnCli } from '../../helpers/cli.js';
import { GIT_ENV, git, gitdir, tempDir, writeFiles } from '../../helpers/git.js';
import { history, newKey, of } from './fixtures.js';

/** Many commits editing a few files (git stores them as deltas), keys hidden along the way, then one pack. */
function deltaRepo(keys: { plain: string; encoded: string; late: string }, repack: string[] = []) {
  const dir = gitdir();
  const lines = Array.from({ length: 300 }, (_, i) => `export const value${i} = compute(${i}, "some text");`);
  for (let c = 0; c < 30; c++) {
    lines[(c * 37) % lines.length] = `export const edited${c} = compute(${c * 3}, "edited");`;
    const files: Record<string, string> = { 'src/app.ts': lines.join('\n') };
    if (c === 5)
      files['src/app.ts'] = [...lines.slice(0, 100), `const KEY = "${keys.plain}";`, ...lines.slice(100)].join('\n');
    if (c === 9) files['deploy/secret.yaml'] = `data:\n  key: ${Buffer.from(keys.encoded).toString('base64')}\n`;
    if (c === 10) files['deploy/secret.yaml'] = 'data: {}\n';
    if (c === 29) files['src/app.ts'] = `${lines.join('\n')}\n// ANTHROPIC_API_KEY=${keys.late}\n`;
    writeFiles(dir, files);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', `change ${c}`);
  }
  git(dir, ...repack, 'repack', '-adq', '-f', '--depth=50', '--window=50');
  return dir;
}

function packFiles(dir: string) {
  const packDir = join(dir, '.git', 'objects', 'pack');
  const name = readdirSync(packDir)
    .find((f) => f.endsWith('.idx'))!
    .slice(0, -4);
  return { pack: join(packDir, `${name}.pack`), idx: join(packDir, `${name}.idx`) };
}

function keys() {
  return { plain: newKey().key, encoded: newKey('admin01').key, late: newKey().key };
}

/** Blob ids with a finding and the fingerprints found, for comparing two ways of reading. */
function summary(hits: Awaited<ReturnType<typeof scanBlobs>>['hits']) {
  return [...hits]
    .map(([oid, r]) => `${oid} ${r.findings.map((f) => `${f.rule}:${f.fingerprint}:${f.line}:${f.column}`).join(',')}`)
    .sort();
}

describe('reading blobs straight from the packs', () => {
  for (const [name, repack] of [
    ['offset deltas', []],
    ['ref deltas', ['-c', 'repack.useDeltaBaseOffset=false']],
  ] as const) {
    it(`finds what git's reader finds, with ${name}`, async () => {
      const k = keys();
      const dir = deltaRepo(k, [...repack]);
      const blobs = await listLocalBlobs(dir);
      const plan = await planPacks(dir, blobs, 4);
      expect(plan.rest).toEqual([]);
      expect(plan.tasks.flatMap((t) => t.task.bases).filter((b) => b >= 0).length).toBeGreaterThan(10);

      const fromPacks = await scanBlobs(dir, blobs, undefined, { packMinBlobs: 0 });
      const fromGit = await scanBlobs(dir, blobs, undefined, { packMinBlobs: Number.POSITIVE_INFINITY });
      expect(summary(fromPacks.hits)).toEqual(summary(fromGit.hits));
      expect(fromPacks.blobs).toBe(blobs.length);
      expect(fromPacks.bytes).toBe(fromGit.bytes);
      const found = new Set([...fromPacks.hits.values()].flatMap((r) => r.findings.map((f) => f.fingerprint)));
      expect([...found].sort()).toEqual([k.plain, k.encoded, k.late].map(fingerprint).sort());
    });
  }

  it('agrees with git on random edits that make and break keys across versions', async () => {
    const random = seededRandom(42);
    const pick = (n: number) => Math.floor(random() * n);
    const keys = [newKey().key, newKey('admin01').key, newKey('oat01').key];
    const pieces = keys.flatMap((k) => [k, k.slice(0, 9), k.slice(9), Buffer.from(k).toString('base64')]);
    const dir = gitdir();
    let lines = Array.from({ length: 120 }, (_, i) => `line ${i}: some ordinary text here`);
    for (let c = 0; c < 60; c++) {
      for (let e = 0; e < 3; e++) {
        const at = pick(lines.length);
        // Replace, split or join lines, with pieces of keys: a key forms or breaks at a delta's seams.
        if (random() < 0.4) lines[at] = `${lines[at]!.slice(0, 10)}${pieces[pick(pieces.length)]}`;
        else if (random() < 0.5) lines.splice(at, 1);
        else lines.splice(at, 0, `v${c} ${pieces[pick(pieces.length)]!.slice(pick(20))}`);
      }
      lines = lines.slice(0, 200);
      writeFiles(dir, { [`f${c % 3}.txt`]: `${lines.join('\n')}\n` });
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', `c${c}`);
    }
    git(dir, 'repack', '-adq', '-f', '--depth=50', '--window=50');
    const blobs = await listLocalBlobs(dir);
    const plan = await planPacks(dir, blobs, 2);
    expect(plan.rest).toEqual([]);
    const fromPacks = await scanBlobs(dir, blobs, undefined, { packMinBlobs: 0 });
    const fromGit = await scanBlobs(dir, blobs, undefined, { packMinBlobs: Number.POSITIVE_INFINITY });
    expect(fromGit.hits.size).toBeGreaterThan(10);
    expect(summary(fromPacks.hits)).toEqual(summary(fromGit.hits));
  });

  it('reads the packs of a SHA-256 repository', async () => {
    const { key, fp } = newKey();
    const dir = tempDir();
    git(dir, 'init', '-q', '--object-format=sha256', '-b', 'main');
    for (let c = 0; c < 8; c++) {
      writeFiles(dir, {
        'a.txt': `${'a line of text\n'.repeat(40)}${c}\n`,
        'b.env': c === 3 ? `K=${key}\n` : `K=${c}\n`,
      });
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', `c${c}`);
    }
    git(dir, 'repack', '-adq', '-f');
    const blobs = await listLocalBlobs(dir);
    expect(blobs[0]!.oid).toHaveLength(64);
    const plan = await planPacks(dir, blobs, 2);
    expect(plan.rest).toEqual([]);
    const fromPacks = await scanBlobs(dir, blobs, undefined, { packMinBlobs: 0 });
    const fromGit = await scanBlobs(dir, blobs, undefined, { packMinBlobs: Number.POSITIVE_INFINITY });
    expect(summary(fromPacks.hits)).toEqual(summary(fromGit.hits));
    expect([...fromPacks.hits.values()].flatMap((r) => r.findings.map((f) => f.fingerprint))).toEqual([fp]);
  });

  it('streams objects too large to hold, and rebuilds deltas against them from parts', async () => {
    const { key, fp } = newKey();
    const dir = gitdir();
    // Versions of a file that shrinks: git stores the largest whole and the smaller ones as deltas
    // against larger ones, so with a 4 KB limit some deltas have a base too large to hold.
    const lines = Array.from({ length: 400 }, (_, i) => `row ${i}: ${'text '.repeat(3)}${i * 7}`);
    lines[390] = `KEY=${key}`;
    for (let c = 0; c < 12; c++) {
      writeFiles(dir, { 'data.txt': `${lines.slice(0, 400 - c * 30).join('\n')}\n` });
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', `shrink ${c}`);
    }
    git(dir, 'repack', '-adq', '-f', '--depth=50', '--window=50');
    const blobs = await listLocalBlobs(dir);
    const plan = await planPacks(dir, blobs, 1, 4096);
    const replies = await Promise.all(plan.tasks.map((t) => runPackTask(t.task)));
    expect(replies.reduce((n, r) => n + r.streamed, 0)).toBeGreaterThan(0);
    expect(replies.reduce((n, r) => n + r.fromParts, 0)).toBeGreaterThan(0);

    const limited = await scanBlobs(dir, blobs, undefined, { packMinBlobs: 0, maxRebuilt: 4096 });
    const fromGit = await scanBlobs(dir, blobs, undefined, { packMinBlobs: Number.POSITIVE_INFINITY });
    expect(summary(limited.hits)).toEqual(summary(fromGit.hits));
    expect(limited.failed).toEqual([]);
    expect(limited.blobs).toBe(blobs.length);
    expect([...limited.hits.values()].flatMap((r) => r.findings.map((f) => f.fingerprint))).toContain(fp);
  });

  it('hands a damaged packed object to git, which reports it, and goes on', async () => {
    const k = keys();
    const dir = deltaRepo(k);
    const { pack, idx } = packFiles(dir);
    // Damage the compressed data of the first version of src/app.ts (not a blob with a key).
    const first = git(dir, 'rev-parse', 'HEAD~29:src/app.ts');
    const offset = new PackIndex(readFileSync(idx)).find(Buffer.from(first, 'hex'));
    const fd = openSync(pack, 'r+');
    const head = Buffer.alloc(64);
    readSync(fd, head, 0, 64, offset);
    const { dataAt } = parseObjectHeader(head, offset);
    writeSync(fd, Buffer.alloc(24, 0x55), 0, 24, dataAt + 4);
    closeSync(fd);

    const blobs = await listLocalBlobs(dir);
    const result = await scanBlobs(dir, blobs, undefined, { packMinBlobs: 0 });
    expect(result.failed.map((f) => f.oid)).toContain(first);
    const found = new Set([...result.hits.values()].flatMap((r) => r.findings.map((f) => f.fingerprint)));
    expect(found.has(fingerprint(k.encoded))).toBe(true);
  });

  it('reports progress that only grows and ends at every blob and byte', async () => {
    const dir = deltaRepo(keys());
    const blobs = await listLocalBlobs(dir);
    const calls: Array<[number, number]> = [];
    const result = await scanBlobs(dir, blobs, (count, bytes) => calls.push([count, bytes]), { packMinBlobs: 0 });
    expect(calls.length).toBeGreaterThan(0);
    for (let i = 1; i < calls.length; i++) {
      expect(calls[i]![0]).toBeGreaterThanOrEqual(calls[i - 1]![0]);
      expect(calls[i]![1]).toBeGreaterThanOrEqual(calls[i - 1]![1]);
    }
    expect(calls.at(-1)).toEqual([blobs.length, blobs.reduce((sum, b) => sum + b.size, 0)]);
    expect(result.bytes).toBe(calls.at(-1)![1]);
  });

  it('attributes findings from packed history like loose history', async () => {
    const k = keys();
    const dir = deltaRepo(k);
    const result = await history(dir);
    const plain = of(result.findings, fingerprint(k.plain));
    expect(plain.map((f) => [f.path, f.reachability])).toEqual([['src/app.ts', ['branch:main']]]);
    expect(git(dir, 'log', '--format=%s', '-1', plain[0]!.commit!)).toBe('change 5');
    const late = of(result.findings, fingerprint(k.late));
    expect(late.map((f) => f.reachability)).toEqual([['HEAD', 'worktree', 'index', 'branch:main']]);
  });
});

describe('the built CLI reads large packed histories on worker threads', () => {
  it('finds a key among hundreds of packed blobs', async () => {
    const dir = gitdir();
    const { key, fp } = newKey();
    // fast-import: 400 commits in one process (a branch carries on from its last commit).
    let stream = '';
    for (let c = 0; c < 400; c++) {
      const body = `version ${c}\n${'filler line for the delta\n'.repeat(50)}${c === 250 ? `KEY=${key}\n` : ''}`;
      const data = Buffer.from(body);
      stream += `commit refs/heads/main\ncommitter A U Thor <a@example.com> ${1_700_000_000 + c} +0000\ndata 4\nc${String(c).padStart(3, '0')}\n`;
      stream += `M 100644 inline notes-${c % 7}.txt\ndata ${data.length}\n${body}\n`;
    }
    await new Promise<void>((resolve, reject) => {
      const child = spawn('git', ['fast-import', '--quiet'], {
        cwd: dir,
        env: GIT_ENV,
        stdio: ['pipe', 'ignore', 'inherit'],
      });
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`fast-import ${code}`))));
      child.stdin.end(stream);
    });
    git(dir, 'repack', '-adq');
    const result = await spawnCli(['scan', '--history', '--format', 'json'], { cwd: dir });
    expect(result.stderr).toBe('');
    const findings = JSON.parse(result.stdout).findings as Array<{ fingerprint: string; path: string }>;
    expect(findings.filter((f) => f.fingerprint === fp).map((f) => f.path)).toEqual(['notes-5.txt']);
    expect(result.exitCode).toBe(1);
  }, 60_000);
});
