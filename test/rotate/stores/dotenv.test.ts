import { chmodSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeKey } from '../../../src/key/keygen.js';
import { createDotenvStore } from '../../../src/rotate/stores/dotenv.js';
import { StoreError } from '../../../src/shared/errors.js';
import { tempDir } from '../../helpers/git.js';
import { storeContext } from '../../servers/index.js';

function envDir(text: string | undefined, mode = 0o600) {
  const dir = tempDir('keyguard-dotenv-');
  if (text !== undefined) {
    writeFileSync(join(dir, '.env'), text);
    chmodSync(join(dir, '.env'), mode);
  }
  return dir;
}

const open = (dir: string, variable?: string) =>
  createDotenvStore({ type: 'dotenv', path: '.env', ...(variable ? { variable } : {}) }, storeContext({}, dir));

describe('dotenv store', () => {
  it('changes only the value: comments, order, quoting, export, trailing comments, CRLF and mode survive', async () => {
    const oldKey = makeKey();
    const newKey = makeKey();
    const text = [
      '# app settings',
      'export DATABASE_URL="postgres://db/app"',
      '',
      `ANTHROPIC_API_KEY='${oldKey}'   # rotated by keyguard`,
      'LOG_LEVEL=debug',
      '',
    ].join('\r\n');
    const dir = envDir(text, 0o640);
    const store = await open(dir);
    await store.preflight('r1');
    const current = await store.readCurrent();
    expect(current.value).toBe(oldKey);
    const staged = await store.stage(newKey, 'r1');
    expect(readFileSync(join(dir, '.env'), 'utf8')).toBe(text.replace(oldKey, newKey));
    expect(statSync(join(dir, '.env')).mode & 0o777).toBe(0o640);
    expect(staged.id).not.toBe(current.version.id);
    expect(await store.readVersion(staged.id)).toBe(newKey);
    await expect(store.readVersion(current.version.id)).rejects.toThrow(/not the file's content any more/);
    expect(readdirSync(dir)).toEqual(['.env']);
  });

  it('reads unquoted and double-quoted values and updates every assignment of the variable', async () => {
    const [a, b, c] = [makeKey(), makeKey(), makeKey()];
    const dir = envDir(`KEY=${a} # old\nOTHER=1\nexport KEY="${b}"\n`);
    const store = await open(dir, 'KEY');
    expect((await store.readCurrent()).value).toBe(b); // the last one wins, as when dotenv loads it
    await store.stage(c, 'r1');
    expect(readFileSync(join(dir, '.env'), 'utf8')).toBe(`KEY=${c} # old\nOTHER=1\nexport KEY="${c}"\n`);
  });

  it('appends the variable when absent, and creates a 0600 file when there is none', async () => {
    const key = makeKey();
    const dir = envDir('A=1');
    const store = await open(dir);
    await expect(store.readCurrent()).rejects.toThrow('.env: ANTHROPIC_API_KEY is not set.');
    await store.stage(key, 'r1');
    expect(readFileSync(join(dir, '.env'), 'utf8')).toBe(`A=1\nANTHROPIC_API_KEY=${key}\n`);

    const empty = envDir(undefined);
    const fresh = await open(empty);
    await expect(fresh.readCurrent()).rejects.toThrow('(no such file)');
    await fresh.stage(key, 'r1');
    expect((await fresh.readCurrent()).value).toBe(key);
    expect(statSync(join(empty, '.env')).mode & 0o777).toBe(0o600);
  });

  it('rolls back by writing the previous value, and abandons by restoring the replaced text', async () => {
    const oldKey = makeKey();
    const text = `# keep\nANTHROPIC_API_KEY=${oldKey}\n`;
    const dir = envDir(text);
    const store = await open(dir);
    const previous = (await store.readCurrent()).version;
    const staged = await store.stage(makeKey(), 'r1');
    const now = await store.rollback(previous, oldKey, staged);
    expect(readFileSync(join(dir, '.env'), 'utf8')).toBe(text);
    expect(now.id).toBe(previous.id);

    const again = await store.stage(makeKey(), 'r2');
    await store.abandon(again);
    expect(readFileSync(join(dir, '.env'), 'utf8')).toBe(text);
    expect(readdirSync(dir)).toEqual(['.env']);
  });

  it('refuses to abandon a version staged by another run, without touching the file', async () => {
    const dir = envDir(`ANTHROPIC_API_KEY=${makeKey()}\n`);
    const staged = await (await open(dir)).stage(makeKey(), 'r1');
    const text = readFileSync(join(dir, '.env'), 'utf8');
    const error = await (await open(dir)).abandon(staged).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(readFileSync(join(dir, '.env'), 'utf8')).toBe(text);
  });

  it('never writes through a symlink, even one to a file beside it (issue 11): link and target stay', async () => {
    const text = `ANTHROPIC_API_KEY=${makeKey()}\n`;
    const dir = envDir(text);
    symlinkSync(join(dir, '.env'), join(dir, 'link.env'));
    const store = await createDotenvStore({ type: 'dotenv', path: 'link.env' }, storeContext({}, dir));
    await expect(store.stage(makeKey(), 'r1')).rejects.toThrow(/link\.env is a symlink/);
    expect(lstatSync(join(dir, 'link.env')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, '.env'), 'utf8')).toBe(text);
  });

  it('preflight refuses a multi-line value and an unwritable directory, with no key in the message', async () => {
    const key = makeKey();
    const dir = envDir(`ANTHROPIC_API_KEY="${key}\nmore"\n`);
    const error = await (await open(dir)).preflight('r1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(/multi-line/);
    expect((error as Error).message).not.toContain(key);

    if (process.getuid?.() === 0) return; // root writes anywhere: the permission case cannot fail here
    const locked = envDir(`ANTHROPIC_API_KEY=${key}\n`);
    chmodSync(locked, 0o500);
    try {
      const store = await open(locked);
      await expect(store.preflight('r1')).rejects.toThrow(/cannot write to the directory of the file \(EACCES\)/);
      const failed = await store.stage(makeKey(), 'r1').catch((e: unknown) => e);
      expect((failed as Error).message).toMatch(/cannot write the file \(EACCES\)/);
      expect(readdirSync(locked)).toEqual(['.env']);
    } finally {
      chmodSync(locked, 0o700);
    }
  });

  it('refuses an invalid variable name', async () => {
    await expect(open(envDir(''), 'BAD NAME')).rejects.toThrow('"BAD NAME" is not a valid variable name.');
  });
});
