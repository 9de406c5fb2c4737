import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ModuleStoreConfig as ModuleConfig } from '../../config/stores/module.js';
import { ConfigError, StoreError } from '../../shared/errors.js';
import { scrub, storeError } from './scrub.js';
import type { CurrentSecret, SecretStore, SecretVersion, StoreContext } from './store.js';

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
  const factory = await loadFactory(config, context, where);
  let inner: unknown;
  try {
    inner = await factory(config.options ?? {}, context);
  } catch (error) {
    throw new ConfigError(`${where}: createStore() failed: ${scrub((error as Error)?.message ?? String(error))}`);
  }
  checkShape(inner, where);
  return new ModuleStore(inner, where, config.path, context.timeoutMs);
}

/** The module's createStore (or default export), imported from the path the config names. */
async function loadFactory(config: ModuleConfig, context: StoreContext, where: string): Promise<CallableFunction> {
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
  return factory;
}

/** The user's store behind keyguard's guard: a deadline on every call, and errors made StoreErrors, scrubbed. */
class ModuleStore implements SecretStore {
  readonly type = 'module' as const;
  readonly locator: string;
  readonly capabilities: { staging: boolean; versioned: boolean };
  /** Present only when the module's store has one: the engine skips retiring without it. */
  readonly retire?: (old: SecretVersion) => Promise<void>;
  private readonly seen: string[] = [];

  constructor(
    private readonly store: SecretStore,
    private readonly where: string,
    /** The config's path: the name in a wrapped error. */
    private readonly path: string,
    private readonly timeoutMs: number,
  ) {
    this.locator = store.locator;
    this.capabilities = {
      staging: store.capabilities?.staging ?? false,
      versioned: store.capabilities?.versioned ?? false,
    };
    const retire = store.retire?.bind(store);
    if (retire) this.retire = (old) => this.guard('retire', async () => void (await retire(old)));
  }

  preflight(rotationId: string): Promise<void> {
    return this.guard('preflight', async () => void (await this.store.preflight(rotationId)));
  }

  readCurrent(): Promise<CurrentSecret> {
    return this.guard('readCurrent', async () => {
      const current = await this.store.readCurrent();
      if (typeof current?.value !== 'string') throw new StoreError(`${this.where}: readCurrent() returned no value.`);
      this.seen.push(current.value);
      return { value: current.value, version: checkVersion(current.version, this.where, 'readCurrent') };
    });
  }

  readVersion(versionId: string): Promise<string> {
    return this.guard('readVersion', async () => {
      const value = await this.store.readVersion(versionId);
      if (typeof value !== 'string') throw new StoreError(`${this.where}: readVersion() returned no value.`);
      this.seen.push(value);
      return value;
    });
  }

  stage(value: string, rotationId: string): Promise<SecretVersion> {
    this.seen.push(value);
    return this.guard('stage', async () =>
      checkVersion(await this.store.stage(value, rotationId), this.where, 'stage'),
    );
  }

  promote(staged: SecretVersion, previous: SecretVersion): Promise<void> {
    return this.guard('promote', async () => void (await this.store.promote(staged, previous)));
  }

  rollback(previous: SecretVersion, previousValue: string, staged: SecretVersion): Promise<SecretVersion> {
    this.seen.push(previousValue);
    return this.guard('rollback', async () =>
      checkVersion(await this.store.rollback(previous, previousValue, staged), this.where, 'rollback'),
    );
  }

  abandon(staged: SecretVersion): Promise<void> {
    return this.guard('abandon', async () => void (await this.store.abandon(staged)));
  }

  /** Every call gets the same deadline a cloud store has: a module that never answers must not hang rotate. */
  private async withDeadline<T>(method: string, run: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new StoreError(`${this.where}: ${method}() did not answer within ${this.timeoutMs} ms.`, {
              transient: true,
            }),
          ),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([run(), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async guard<T>(method: string, run: () => Promise<T>): Promise<T> {
    try {
      return await this.withDeadline(method, run);
    } catch (error) {
      if (error instanceof StoreError) throw new StoreError(scrub(error.message, this.seen), error);
      const e = error as { message?: unknown; transient?: unknown; retryable?: unknown };
      const transient = e?.transient === true || e?.retryable === true;
      throw storeError(this.path, method, String(e?.message ?? error), { transient, secrets: this.seen });
    }
  }
}
