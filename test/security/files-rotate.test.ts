import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildContext } from '../../src/doctor/context.js';
import { gitignoreGaps } from '../../src/doctor/fix-gitignore.js';
import { makeKey } from '../../src/key/keygen.js';
import { createDotenvStore } from '../../src/rotate/stores/dotenv.js';
import { StoreError } from '../../src/shared/errors.js';
import { gitdir, tempDir } from '../helpers/git.js';
import { storeContext } from '../servers/index.js';

/**
 * Items 3 and 8 of issue 11 for the dotenv rotation store: its `path` comes from a config that may be
 * committed, so it never writes through a link nor outside the config's folder; a rewrite killed
 * half-way leaves a temp file doctor knows as an env file, and the next run removes it.
 */
function project(envText: string) {
  const dir = tempDir('keyguard-dotenv-sec-');
  writeFileSync(join(dir, '.env'), envText, { mode: 0o600 });
  return dir;
}

describe('dotenv store on a hostile config', () => {
  it('refuses to write through a .env that is a symlink, leaving its target untouched', async () => {
    const outside = tempDir();
    const victim = join(outside, 'profile');
    writeFileSync(victim, `ANTHROPIC_API_KEY=${makeKey()}\n`);
    const before = readFileSync(victim, 'utf8');
    const dir = tempDir();
    symlinkSync(victim, join(dir, '.env'));
    const store = await createDotenvStore({ type: 'dotenv', path: '.env' }, storeContext({}, dir));
    const error = await store.stage(makeKey(), 'r1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/symlink/);
    expect(readFileSync(victim, 'utf8')).toBe(before);
  });

  it('refuses a path outside the config folder and a folder linked out of it', async () => {
    const outside = tempDir();
    const dir = project(`ANTHROPIC_API_KEY=${makeKey()}\n`);
    const far = await createDotenvStore({ type: 'dotenv', path: join(outside, '.env') }, storeContext({}, dir));
    await expect(far.stage(makeKey(), 'r1')).rejects.toThrow(/outside/);
    expect(readdirSync(outside)).toEqual([]);
    symlinkSync(outside, join(dir, 'linked'));
    const linked = await createDotenvStore({ type: 'dotenv', path: 'linked/.env' }, storeContext({}, dir));
    await expect(linked.stage(makeKey(), 'r1')).rejects.toThrow(/outside/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('removes a temp file a killed rewrite left behind on the next run', async () => {
    const dir = project(`ANTHROPIC_API_KEY=${makeKey()}\n`);
    writeFileSync(join(dir, '.env.keyguard-tmp-0a1b2c3d4e5f'), `ANTHROPIC_API_KEY=${makeKey()}\n`, { mode: 0o644 });
    const store = await createDotenvStore({ type: 'dotenv', path: '.env' }, storeContext({}, dir));
    await store.preflight('r1');
    expect(readdirSync(dir)).toEqual(['.env']);
  });

  it('doctor counts a rewrite leftover as an env file and gitignore-env covers its name', async () => {
    const dir = gitdir({ '.gitignore': '.env\n', 'sub/.keep': '' });
    mkdirSync(join(dir, 'config'), { recursive: true });
    writeFileSync(join(dir, '.env.keyguard-tmp-0a1b2c3d4e5f'), 'A=1\n');
    writeFileSync(join(dir, 'config', 'dev.env.keyguard-tmp-0a1b2c3d4e5f'), 'A=1\n');
    const ctx = await buildContext(dir, { config: {}, dir });
    expect(ctx.envFiles).toEqual(['.env.keyguard-tmp-0a1b2c3d4e5f', 'config/dev.env.keyguard-tmp-0a1b2c3d4e5f']);
    const gaps = await gitignoreGaps(dir, ctx.envFiles);
    expect(gaps.map((g) => g.pattern)).toContain('*.keyguard-tmp-*');
  });
});
