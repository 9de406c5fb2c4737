import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeKey } from '../../../src/key/keygen.js';
import { createModuleStore } from '../../../src/rotate/stores/module.js';
import { ConfigError, StoreError } from '../../../src/shared/errors.js';
import { tempDir } from '../../helpers/git.js';
import { storeContext } from '../../servers/index.js';

const EXAMPLE = resolve('examples/stores/json-file-store.js');

/** A config dir holding the example store's JSON file with one current version. */
function exampleDir(value: string) {
  const dir = tempDir('keyguard-module-');
  const data = { versions: { v1: value }, labels: { current: 'v1' } };
  writeFileSync(join(dir, 'secrets.json'), JSON.stringify(data));
  return dir;
}

function moduleDir(source: string) {
  const dir = tempDir('keyguard-module-');
  writeFileSync(join(dir, 'my-store.js'), source);
  return dir;
}

const load = (dir: string, path = './my-store.js', options?: Record<string, unknown>) =>
  createModuleStore({ type: 'module', path, ...(options ? { options } : {}) }, storeContext({}, dir));

/** A module whose every method is `body` and whose stage() echoes the key back in an error. */
const leaky = `
export function createStore() {
  const fail = (transient) => async (value) => { throw Object.assign(new Error('backend said no to ' + value), { transient }); };
  return { locator: 'leaky', preflight: fail(true), readCurrent: fail(false), readVersion: fail(false),
    stage: fail(false), promote: fail(false), rollback: fail(false), abandon: fail(false) };
}`;

describe('module store', () => {
  it('runs the example adapter through a whole rotation: stage, promote, roll back, abandon', async () => {
    const oldKey = makeKey();
    const newKey = makeKey();
    const dir = exampleDir(oldKey);
    const store = await load(dir, EXAMPLE, { file: 'secrets.json' });
    expect(store.type).toBe('module');
    expect(store.locator).toBe('secrets.json');
    expect(store.capabilities).toEqual({ staging: true, versioned: true });
    await store.preflight('rot-1');
    const current = await store.readCurrent();
    expect(current).toEqual({ value: oldKey, version: { id: 'v1', labels: ['current'] } });
    const staged = await store.stage(newKey, 'rot-1');
    expect(staged).toEqual({ id: 'rot-1', labels: ['pending'] });
    expect(await store.readVersion('rot-1')).toBe(newKey);
    expect((await store.readCurrent()).value).toBe(oldKey);
    await store.promote(staged, current.version);
    expect((await store.readCurrent()).value).toBe(newKey);
    await store.rollback(current.version, oldKey, staged);
    expect((await store.readCurrent()).value).toBe(oldKey);
    const again = await store.stage(makeKey(), 'rot-2');
    await store.abandon(again);
    expect(JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8')).labels).toEqual({ current: 'v1' });
  });

  it('turns what the module throws into a scrubbed StoreError, keeping its transient flag', async () => {
    const store = await load(moduleDir(leaky));
    const key = makeKey();
    const staged = await store.stage(key, 'r').catch((e: unknown) => e);
    expect(staged).toBeInstanceOf(StoreError);
    expect((staged as StoreError).message).toBe('./my-store.js: stage failed (backend said no to [redacted]).');
    expect((staged as StoreError).transient).toBe(false);
    const pre = await store.preflight('r').catch((e: unknown) => e);
    expect((pre as StoreError).transient).toBe(true);
  });

  it('gives up on a method that never answers, with a transient error', async () => {
    const dir = moduleDir(`export function createStore() {
      const never = () => new Promise(() => {});
      return { locator: 'x', preflight: never, readCurrent: never, readVersion: never, stage: never,
        promote: never, rollback: never, abandon: never };
    }`);
    const store = await createModuleStore(
      { type: 'module', path: './my-store.js' },
      { ...storeContext({}, dir), timeoutMs: 200 },
    );
    const error = await store.readCurrent().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toBe(
      'store module ./my-store.js: readCurrent() did not answer within 200 ms.',
    );
    expect((error as StoreError).transient).toBe(true);
  });

  it('names what a returned store lacks', async () => {
    const dir = moduleDir(
      `export function createStore() { return { locator: 42, readCurrent() {}, stage: 'no', capabilities: {} }; }`,
    );
    const error = await load(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'store module ./my-store.js: the store it returns lacks preflight(), readVersion(), stage(), promote(), rollback(), abandon(), locator (a string), capabilities ({ staging: boolean, versioned: boolean }).',
    );
  });

  it('refuses a module without createStore, a missing file and a module that fails to load', async () => {
    const none = await load(moduleDir('export const x = 1;')).catch((e: unknown) => e);
    expect((none as Error).message).toBe(
      'store module ./my-store.js does not export a createStore(options, context) function.',
    );
    const dir = tempDir('keyguard-module-');
    const missing = await load(dir, './nope.js').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ConfigError);
    expect((missing as Error).message).toBe(`store module ./nope.js not found (looked for ${join(dir, 'nope.js')}).`);
    const broken = await load(moduleDir('export function createStore( {')).catch((e: unknown) => e);
    expect(broken).toBeInstanceOf(ConfigError);
    expect((broken as Error).message).toMatch(/^cannot load store module \.\/my-store\.js: /);
    const throws = await load(moduleDir(`export function createStore() { throw new Error('no file option'); }`)).catch(
      (e: unknown) => e,
    );
    expect((throws as Error).message).toBe('store module ./my-store.js: createStore() failed: no file option');
  });

  it('checks what methods return: a version id from stage()', async () => {
    const dir = moduleDir(`export function createStore() {
      const ok = async () => {};
      return { locator: 'x', preflight: ok, readCurrent: ok, readVersion: ok, stage: async () => ({}),
        promote: ok, rollback: ok, abandon: ok };
    }`);
    const store = await load(dir);
    await expect(store.stage(makeKey(), 'r')).rejects.toThrow(
      'store module ./my-store.js: stage() returned no version id.',
    );
    await expect(store.readCurrent()).rejects.toThrow('store module ./my-store.js: readCurrent() returned no value.');
  });
});
