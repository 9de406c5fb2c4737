import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ModuleStoreConfig as ModuleConfig } from '../../config/stores/module.js';
import { ConfigError, StoreError } from '../../shared/errors.js';
import { scrub, storeError } from './scrub.js';
import type { SecretStore, SecretVersion, StoreContext } from './store.js';

const METHODS = ['preflight', 'readCurrent', 'readVersion', 'stage', 'promote', 'rollback', 'abandon'] as const;

/** What a user's createStore() must return; checked on load so a mistake shows before any write. */
function checkShape(store: unknown, where: string): asserts store is SecretStore {
  if (typeof store !== 'object' || store === null) {
    throw new ConfigError(`${where}: createStore() must return an object (a SecretStore), got ${typeof store}.`);
  }
  const s = store as Record<string, unknown>;
  const missing: string[] = METHODS.filter((m) => typeof s[m] !== 'function').map((m) => `${m}()`);
  if (s.retire !== undefined && typeof s.retire !== 'function') missing.push('retire() (optional, but not a function)');
  if (typeof s.locator !== 'string' || s.locator === '') missing.push('locator (a string)');
  const caps = s.capabilities as Record<string, unknown> | undefined;
  if (caps !== undefined && (typeof caps.staging !== 'boolean' || typeof caps.versioned !== 'boolean')) {
    missing.push('capabilities ({ staging: boolean, versioned: boolean })');
  }
  if (missing.length) throw new ConfigError(`${where}: the store it returns lacks ${missing.join(', ')}.`);
}

function checkVersion(version: unknown, where: string, method: string): SecretVersion {
  const id = (version as SecretVersion | undefined)?.id;
  if (typeof id !== 'string' || id === '') {
    throw new StoreError(`${where}: ${method}() returned no version id.`);
  }
  return version as SecretVersion;
}

/**
 * The user's own adapter: `{ "type": "module", "path": "./my-store.js", "options": {...} }`. The module
 * exports createStore(options, context) returning a SecretStore. keyguard wraps it so that whatever it
 * throws becomes a scrubbed StoreError (`transient` kept when the module sets it).
 */
export async function createModuleStore(config: ModuleConfig, context: StoreContext): Promise<SecretStore> {
  const where = `store module ${config.path}`;
  const file = resolve(context.configDir, config.path);
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ERR_MODULE_NOT_FOUND' && e.message.includes(file)) {
      throw new ConfigError(`${where} not found (looked for ${file}).`);
    }
    throw new ConfigError(`cannot load ${where}: ${scrub(e.message ?? String(error))}`);
  }
  const factory = loaded.createStore ?? loaded.default;
  if (typeof factory !== 'function') {
    throw new ConfigError(`${where} does not export a createStore(options, context) function.`);
  }
  let inner: unknown;
  try {
    inner = await factory(config.options ?? {}, context);
  } catch (error) {
    throw new ConfigError(`${where}: createStore() failed: ${scrub((error as Error)?.message ?? String(error))}`);
  }
  checkShape(inner, where);
  const store = inner;
  const seen: string[] = [];

  /** Every call gets the same deadline a cloud store has: a module that never answers must not hang rotate. */
  async function withDeadline<T>(method: string, run: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new StoreError(`${where}: ${method}() did not answer within ${context.timeoutMs} ms.`, { transient: true }),
          ),
        context.timeoutMs,
      );
    });
    try {
      return await Promise.race([run(), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function guard<T>(method: string, run: () => Promise<T>): Promise<T> {
    try {
      return await withDeadline(method, run);
    } catch (error) {
      if (error instanceof StoreError) throw new StoreError(scrub(error.message, seen), error);
      const e = error as { message?: unknown; transient?: unknown; retryable?: unknown };
      const transient = e?.transient === true || e?.retryable === true;
      throw storeError(config.path, method, String(e?.message ?? error), { transient, secrets: seen });
    }
  }

  const wrapped: SecretStore = {
    type: 'module',
    locator: store.locator,
    capabilities: { staging: store.capabilities?.staging ?? false, versioned: store.capabilities?.versioned ?? false },
    preflight: (rotationId) => guard('preflight', async () => void (await store.preflight(rotationId))),
    readCurrent: () =>
      guard('readCurrent', async () => {
        const current = await store.readCurrent();
        if (typeof current?.value !== 'string') throw new StoreError(`${where}: readCurrent() returned no value.`);
        seen.push(current.value);
        return { value: current.value, version: checkVersion(current.version, where, 'readCurrent') };
      }),
    readVersion: (versionId) =>
      guard('readVersion', async () => {
        const value = await store.readVersion(versionId);
        if (typeof value !== 'string') throw new StoreError(`${where}: readVersion() returned no value.`);
        seen.push(value);
        return value;
      }),
    stage: (value, rotationId) => {
      seen.push(value);
      return guard('stage', async () => checkVersion(await store.stage(value, rotationId), where, 'stage'));
    },
    promote: (staged, previous) => guard('promote', async () => void (await store.promote(staged, previous))),
    rollback: (previous, previousValue, staged) => {
      seen.push(previousValue);
      return guard('rollback', async () =>
        checkVersion(await store.rollback(previous, previousValue, staged), where, 'rollback'),
      );
    },
    abandon: (staged) => guard('abandon', async () => void (await store.abandon(staged))),
  };
  const retire = store.retire?.bind(store);
  if (retire) wrapped.retire = (old) => guard('retire', async () => void (await retire(old)));
  return wrapped;
}
