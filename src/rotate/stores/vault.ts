import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { VaultStoreConfig as VaultConfig } from '../../config/stores/vault.js';
import { ConfigError, StoreError } from '../../shared/errors.js';
import { scrub } from './scrub.js';
import type { CurrentSecret, SecretStore, SecretVersion, StoreContext } from './store.js';
import { fetchWithTimeout, isTransientStatus } from './store-http.js';

type SecretData = Record<string, unknown>;

interface KvVersion {
  data: SecretData;
  version: number;
  createdAt?: string;
}

/**
 * HashiCorp Vault KV version 2 over plain fetch: the API is four JSON routes, and the npm clients
 * are generic wrappers with no KV v2 helpers (rotation-facts §4.2). KV v2 has no staging: every
 * write is the new current version. Writes use check-and-set with the version keyguard read, so a
 * concurrent writer makes the write fail instead of being overwritten.
 */
export async function createVaultStore(config: VaultConfig, context: StoreContext): Promise<SecretStore> {
  const address = (config.address ?? context.env.VAULT_ADDR)?.replace(/\/+$/, '');
  if (!address) throw new ConfigError('the vault store needs an address: set VAULT_ADDR or "address" in the config.');
  const token = await readToken(config, context);
  const mount = trimSlashes(config.mount ?? 'secret');
  const path = trimSlashes(config.path);
  const field = config.field ?? 'ANTHROPIC_API_KEY';
  const locator = `${config.namespace ? `${trimSlashes(config.namespace)}/` : ''}${mount}/${path}#${field}`;
  const encoded = `${encodePath(mount)}/%s/${encodePath(path)}`;
  const url = (op: 'data' | 'delete', query = '') => `${address}/v1/${encoded.replace('%s', op)}${query}`;
  const headers: Record<string, string> = {
    'X-Vault-Token': token,
    'Content-Type': 'application/json',
    ...(config.namespace ? { 'X-Vault-Namespace': config.namespace } : {}),
  };
  /** Values this run handled, scrubbed from any server text. */
  const seen: string[] = [];
  /** Version of the last readCurrent(): the check-and-set base of the next write. */
  let readBase: number | undefined;

  async function call(method: 'GET' | 'POST', target: string, what: string, body?: unknown): Promise<unknown> {
    const res = await fetchWithTimeout(
      target,
      { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) },
      context.timeoutMs,
      `Vault ${what} of ${locator}`,
    );
    const text = await res.text();
    if (!res.ok) throw vaultError(res.status, text, `Vault ${what} of ${locator}`, seen);
    try {
      return text ? JSON.parse(text) : undefined;
    } catch {
      // A proxy's HTML page, say: worth another try later, and never quoted (it may echo the request).
      throw new StoreError(`Vault ${what} of ${locator} returned a response that is not JSON.`, { transient: true });
    }
  }

  async function read(version?: number): Promise<KvVersion> {
    const body = (await call('GET', url('data', version === undefined ? '' : `?version=${version}`), 'read')) as {
      data?: { data?: SecretData | null; metadata?: { version?: number; created_time?: string } };
    };
    const data = body?.data?.data;
    const meta = body?.data?.metadata;
    if (!data || typeof meta?.version !== 'number') {
      throw new StoreError(`Vault read of ${locator} returned no data (deleted or destroyed version).`);
    }
    return { data, version: meta.version, ...(meta.created_time ? { createdAt: meta.created_time } : {}) };
  }

  function keyOf(kv: KvVersion): string {
    const value = kv.data[field];
    if (typeof value !== 'string') {
      throw new StoreError(`the Vault secret ${mount}/${path} has no string field ${field} (version ${kv.version}).`);
    }
    seen.push(value);
    return value;
  }

  async function write(data: SecretData, cas: number): Promise<SecretVersion> {
    const body = (await call('POST', url('data'), 'write', { options: { cas }, data })) as {
      data?: { version?: number; created_time?: string };
    };
    if (typeof body?.data?.version !== 'number') throw new StoreError(`Vault write of ${locator} returned no version.`);
    return versionOf({
      data,
      version: body.data.version,
      ...(body.data.created_time ? { createdAt: body.data.created_time } : {}),
    });
  }

  return {
    type: 'vault',
    locator,
    capabilities: { staging: false, versioned: true },

    async preflight() {},

    async readCurrent(): Promise<CurrentSecret> {
      const kv = await read();
      readBase = kv.version;
      return { value: keyOf(kv), version: versionOf(kv) };
    },

    async readVersion(versionId) {
      return keyOf(await read(parseVersion(versionId, locator)));
    },

    async stage(value) {
      seen.push(value);
      const current = await read();
      // Idempotent re-run: the value is already current (an earlier run of this rotation wrote it).
      if (current.data[field] === value) return versionOf(current);
      // CAS on the version readCurrent() saw: a writer in between makes this fail, not vanish.
      return write({ ...current.data, [field]: value }, readBase ?? current.version);
    },

    async promote() {},

    async rollback(previous, previousValue, staged) {
      seen.push(previousValue);
      const current = await read();
      if (current.data[field] === previousValue) return versionOf(current);
      // What `vault kv rollback` does: write the previous version's data again as a new version.
      // CAS on the staged version: if someone wrote after keyguard, their value is not overwritten.
      let data: SecretData;
      try {
        data = (await read(parseVersion(previous.id, locator))).data;
      } catch (error) {
        if (!(error instanceof StoreError) || error.transient) throw error;
        data = { ...current.data }; // the old version was deleted: restore just the field
      }
      return write({ ...data, [field]: previousValue }, parseVersion(staged.id, locator));
    },

    /**
     * KV v2 has no staging, so the staged version is already what consumers read. Soft-deleting it
     * would not bring the previous version back: a read of the path then answers 404, an outage.
     * Doing nothing would leave an unverified key current. So abandon writes the data of the version
     * the stage was based on (staged - 1: the check-and-set guarantees it) again, with CAS on the
     * staged version so a later writer is never overwritten.
     */
    async abandon(staged) {
      const stagedVersion = parseVersion(staged.id, locator);
      if (stagedVersion <= 1) return;
      const base = await read(stagedVersion - 1);
      const current = await read();
      if (current.data[field] === base.data[field]) return;
      if (current.version !== stagedVersion) {
        throw new StoreError(
          `the Vault secret ${locator} changed after keyguard wrote version ${stagedVersion}; not reverting it.`,
        );
      }
      await write(base.data, stagedVersion);
    },
  };
}

async function readToken(config: VaultConfig, context: StoreContext): Promise<string> {
  // Precedence of the vault CLI: the VAULT_TOKEN variable, then a token file (the configured one,
  // else the CLI's ~/.vault-token).
  const fromEnv = context.env.VAULT_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  const home = context.env.HOME;
  const file = config.tokenFile
    ? resolve(context.configDir, config.tokenFile)
    : home
      ? join(home, '.vault-token')
      : undefined;
  if (file) {
    try {
      const token = (await readFile(file, 'utf8')).trim();
      if (token) return token;
    } catch (error) {
      if (config.tokenFile) {
        throw new ConfigError(
          `cannot read the Vault token file ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
        );
      }
    }
  }
  throw new ConfigError(
    'the vault store needs a token: set VAULT_TOKEN, "tokenFile" in the config, or ~/.vault-token.',
  );
}

function vaultError(status: number, text: string, what: string, seen: readonly string[]): StoreError {
  let errors: string[] = [];
  try {
    errors = ((JSON.parse(text) as { errors?: unknown }).errors as string[]) ?? [];
  } catch {}
  const detail = scrub(Array.isArray(errors) ? errors.join('; ') : '', seen);
  if (status === 400 && /check-and-set/i.test(detail)) {
    return new StoreError(
      `${what} failed: the secret changed since keyguard read it (check-and-set mismatch); another writer is active, re-run the rotation.`,
    );
  }
  if (status === 403) {
    return new StoreError(
      `${what} failed: permission denied (the token needs read, create and update on the data/ path).`,
    );
  }
  if (status === 404) return new StoreError(`${what} failed: no such secret or version (404).`);
  if (status === 503) {
    return new StoreError(`${what} failed: Vault is sealed or unavailable (503); try again later.`, {
      transient: true,
    });
  }
  return new StoreError(`${what} failed with HTTP ${status}${detail ? `: ${detail}` : ''}.`, {
    transient: isTransientStatus(status),
  });
}

function versionOf(kv: KvVersion): SecretVersion {
  return { id: String(kv.version), ...(kv.createdAt ? { createdAt: kv.createdAt } : {}) };
}

function parseVersion(id: string, locator: string): number {
  const n = Number(id);
  if (!Number.isInteger(n) || n < 1)
    throw new StoreError(`${JSON.stringify(id)} is not a Vault version of ${locator}.`);
  return n;
}

const trimSlashes = (s: string) => s.replace(/^\/+|\/+$/g, '');
const encodePath = (s: string) => s.split('/').map(encodeURIComponent).join('/');
