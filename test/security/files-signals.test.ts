import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeKey } from '../../src/key/keygen.js';
import { BIN, spawnCli } from '../helpers/cli.js';
import { GIT_ENV, tempDir } from '../helpers/git.js';
import { type FakeAnthropic, startFakeAnthropic } from '../servers/anthropic.js';

/**
 * Item 8 of issue 11: Ctrl-C or SIGTERM during `rotate` stops at the next safe point (between two
 * steps), with the state recorded, says where it stopped and how to --resume; --resume then finishes.
 * The signal is sent while the live check of the new key is held by the fake API: no timing involved.
 */
let api: FakeAnthropic;
beforeEach(async () => {
  api = await startFakeAnthropic();
});
afterEach(async () => {
  await api.close();
});

function project() {
  const dir = tempDir();
  const oldKey = makeKey();
  const newKey = makeKey();
  api.addKey(oldKey, { workspaceId: 'wrkspc_dev' });
  api.addKey(newKey, { workspaceId: 'wrkspc_dev', createdAt: new Date().toISOString() });
  writeFileSync(
    join(dir, 'keyguard.config.json'),
    JSON.stringify({ environments: { dev: { store: { type: 'dotenv', path: '.env' } } } }),
  );
  writeFileSync(join(dir, '.env'), `ANTHROPIC_API_KEY=${oldKey}\n`, { mode: 0o600 });
  const env = { ...GIT_ENV, NO_COLOR: '1', CI: 'true', ANTHROPIC_BASE_URL: api.url };
  return { dir, oldKey, newKey, env };
}

async function rotateWithSignal(signal: NodeJS.Signals) {
  const p = project();
  const hold = api.holdNext('/v1/models');
  const child = spawn(process.execPath, ['--', BIN, 'rotate', '--env', 'dev'], {
    cwd: p.dir,
    env: p.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  let noticed: () => void = () => {};
  const notice = new Promise<void>((resolve) => {
    noticed = resolve;
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
    if (stderr.includes(signal)) noticed();
  });
  child.stdout.resume();
  child.stdin.end(`${p.newKey}\n`);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await hold.arrived;
  child.kill(signal);
  // The call returns only once keyguard said it will stop (or died): the stop lands at the next step.
  await Promise.race([notice, exited]);
  hold.release();
  return { p, code: await exited, stderr: () => stderr };
}

describe('rotate stops at a safe point on a signal', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal}: records the state, leaves the .env untouched, says how to --resume; --resume finishes`, async () => {
      const { p, code: exitCode, stderr } = await rotateWithSignal(signal);
      expect(exitCode).toBe(code);
      expect(stderr()).toMatch(/stopped .*after .*verified/);
      expect(stderr()).toContain('keyguard rotate --env dev --resume');
      expect(stderr()).not.toContain(p.newKey);
      expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`ANTHROPIC_API_KEY=${p.oldKey}\n`);
      const state = JSON.parse(readFileSync(join(p.dir, '.keyguard', 'state', 'dev.json'), 'utf8'));
      expect(state.phase).toBe('verified');
      expect(readdirSync(join(p.dir, '.keyguard', 'state'))).toEqual(['dev.json']); // the lock is released
      const resumed = await spawnCli(['rotate', '--env', 'dev', '--resume'], {
        cwd: p.dir,
        env: p.env,
        input: `${p.newKey}\n`,
      });
      expect(resumed.exitCode).toBe(0);
      expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`ANTHROPIC_API_KEY=${p.newKey}\n`);
    }, 30_000);
  }
});
