import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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
