import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, LockHeldError } from '../../src/shared/lock-file.js';
import { tempDir } from '../helpers/git.js';

describe('lock files', () => {
  it('names its holder and is removed on release', async () => {
    const path = join(tempDir(), 'prod.lock');
    const release = await acquireLock(path, { purpose: 'rotate prod' });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({
      pid: process.pid,
      host: hostname(),
      purpose: 'rotate prod',
    });
    await expect(acquireLock(path)).rejects.toMatchObject({ holder: { pid: process.pid } });
    await release();
    expect(existsSync(path)).toBe(false);
  });

  it('takes over a lock whose process is gone, but not one held on another host', async () => {
    const path = join(tempDir(), 'prod.lock');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(path, JSON.stringify({ pid: dead, host: hostname(), time: '2026-01-01T00:00:00Z' }));
    const release = await acquireLock(path);
    await release();
    writeFileSync(path, JSON.stringify({ pid: dead, host: `${hostname()}-other`, time: '2026-01-01T00:00:00Z' }));
    const refused = acquireLock(path);
    await expect(refused).rejects.toBeInstanceOf(LockHeldError);
    await expect(refused).rejects.toMatchObject({ holder: { host: `${hostname()}-other` } });
  });

  it('waits for a live holder up to waitMs', async () => {
    const path = join(tempDir(), 'audit.lock');
    const release = await acquireLock(path);
    setTimeout(() => void release(), 30);
    const second = await acquireLock(path, { waitMs: 5000, pollMs: 5 });
    await second();
  });
});

/** A child that tries once for the lock; while holding it, claims a marker with O_EXCL so overlaps show. */
const CONTENDER = `
const { acquireLock } = await import(process.argv[1]);
const { openSync, closeSync, rmSync, appendFileSync } = await import('node:fs');
const [lock, marker, log] = process.argv.slice(2);
let release;
try { release = await acquireLock(lock); } catch { process.exit(0); }
try { closeSync(openSync(marker, 'wx')); } catch { appendFileSync(log, 'overlap\\n'); }
await new Promise((r) => setTimeout(r, 40));
rmSync(marker, { force: true });
appendFileSync(log, 'held\\n');
await release();
`;

function contenders(count: number, dir: string): Promise<void> {
  const lib = join(import.meta.dirname, '..', '..', 'dist', 'shared', 'lock-file.js');
  const args = [join(dir, 'env.lock'), join(dir, 'held'), join(dir, 'log')];
  const runs = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CONTENDER, lib, ...args], { stdio: 'ignore' });
    return new Promise<void>((resolve) => child.on('close', () => resolve()));
  });
  return Promise.all(runs).then(() => undefined);
}

describe('lock takeover', () => {
  it('is atomic: 20 trials of 8 processes racing for a lock left by a dead process, never two holders', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    for (let trial = 0; trial < 20; trial++) {
      const dir = tempDir();
      writeFileSync(
        join(dir, 'env.lock'),
        JSON.stringify({ pid: dead, host: hostname(), time: '2026-01-01T00:00:00Z' }),
      );
      await contenders(8, dir);
      const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '';
      expect(log).not.toContain('overlap');
      expect(log).toContain('held');
    }
  }, 120_000);

  it('takes over an empty lock file (a full disk) and leaves no temp files behind', async () => {
    const dir = tempDir();
    const path = join(dir, 'prod.lock');
    writeFileSync(path, '');
    const release = await acquireLock(path);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid });
    await release();
    expect(readdirSync(dir)).toEqual([]);
  });
});
