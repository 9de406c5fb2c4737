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
  return new VaultStore(config, context, address, await readToken(config, context));
}

class VaultStore implements SecretStore {
  readonly type = 'vault' as const;
  readonly locator: string;
  readonly capabilities = { staging: false, versioned: true };
  private readonly mount: string;
  private readonly path: string;
  private readonly field: string;
  /** The KV v2 route of the secret under the address, with `%s` for the operation (data, delete). */
  private readonly route: string;
  private readonly headers: Record<string, string>;
  /** Values this run handled, scrubbed from any server text. */
  private readonly seen: string[] = [];
  /** Version of the last readCurrent(): the check-and-set base of the next write. */
  private readBase: number | undefined;

  constructor(
    config: VaultConfig,
    private readonly context: StoreContext,
    private readonly address: string,
    token: string,
  ) {
    this.mount = trimSlashes(config.mount ?? 'secret');
    this.path = trimSlashes(config.path);
    this.field = config.field ?? 'ANTHROPIC_API_KEY';
    this.locator = `${config.namespace ? `${trimSlashes(config.namespace)}/` : ''}${this.mount}/${this.path}#${this.field}`;
    this.route = `${encodePath(this.mount)}/%s/${encodePath(this.path)}`;
    this.headers = {
      'X-Vault-Token': token,
      'Content-Type': 'application/json',
      ...(config.namespace ? { 'X-Vault-Namespace': config.namespace } : {}),
    };
  }

  async preflight(): Promise<void> {}

  async readCurrent(): Promise<CurrentSecret> {
    const kv = await this.read();
    this.readBase = kv.version;
    return { value: this.keyOf(kv), version: versionOf(kv) };
  }

  async readVersion(versionId: string): Promise<string> {
    return this.keyOf(await this.read(parseVersion(versionId, this.locator)));
  }

  async stage(value: string): Promise<SecretVersion> {
    this.seen.push(value);
    const current = await this.read();
    // Idempotent re-run: the value is already current (an earlier run of this rotation wrote it).
    if (current.data[this.field] === value) return versionOf(current);
    // CAS on the version readCurrent() saw: a writer in between makes this fail, not vanish.
    return this.write({ ...current.data, [this.field]: value }, this.readBase ?? current.version);
  }

  async promote(): Promise<void> {}

  async rollback(previous: SecretVersion, previousValue: string, staged: SecretVersion): Promise<SecretVersion> {
    this.seen.push(previousValue);
    const current = await this.read();
    if (current.data[this.field] === previousValue) return versionOf(current);
    // What `vault kv rollback` does: write the previous version's data again as a new version.
    // CAS on the staged version: if someone wrote after keyguard, their value is not overwritten.
    let data: SecretData;
    try {
      data = (await this.read(parseVersion(previous.id, this.locator))).data;
    } catch (error) {
      if (!(error instanceof StoreError) || error.transient) throw error;
      data = { ...current.data }; // the old version was deleted: restore just the field
    }
    return this.write({ ...data, [this.field]: previousValue }, parseVersion(staged.id, this.locator));
  }

  /**
   * KV v2 has no staging, so the staged version is already what consumers read. Soft-deleting it
   * would not bring the previous version back: a read of the path then answers 404, an outage.
   * Doing nothing would leave an unverified key current. So abandon writes the data of the version
   * the stage was based on (staged - 1: the check-and-set guarantees it) again, with CAS on the
   * staged version so a later writer is never overwritten.
   */
  async abandon(staged: SecretVersion): Promise<void> {
    const stagedVersion = parseVersion(staged.id, this.locator);
    if (stagedVersion <= 1) return;
    const base = await this.read(stagedVersion - 1);
    const current = await this.read();
    if (current.data[this.field] === base.data[this.field]) return;
    if (current.version !== stagedVersion) {
      throw new StoreError(
        `the Vault secret ${this.locator} changed after keyguard wrote version ${stagedVersion}; not reverting it.`,
      );
    }
    await this.write(base.data, stagedVersion);
  }

  private url(op: 'data' | 'delete', query = ''): string {
    return `${this.address}/v1/${this.route.replace('%s', op)}${query}`;
  }

  private async call(method: 'GET' | 'POST', target: string, what: string, body?: unknown): Promise<unknown> {
    const res = await fetchWithTimeout(
      target,
      { method, headers: this.headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) },
      this.context.timeoutMs,
      `Vault ${what} of ${this.locator}`,
    );
    const text = await res.text();
    if (!res.ok) throw vaultError(res.status, text, `Vault ${what} of ${this.locator}`, this.seen);
    try {
      return text ? JSON.parse(text) : undefined;
    } catch {
      // A proxy's HTML page, say: worth another try later, and never quoted (it may echo the request).
      throw new StoreError(`Vault ${what} of ${this.locator} returned a response that is not JSON.`, {
        transient: true,
      });
    }
  }

  private async read(version?: number): Promise<KvVersion> {
    const query = version === undefined ? '' : `?version=${version}`;
    const body = (await this.call('GET', this.url('data', query), 'read')) as {
      data?: { data?: SecretData | null; metadata?: { version?: number; created_time?: string } };
    };
    const data = body?.data?.data;
    const meta = body?.data?.metadata;
    if (!data || typeof meta?.version !== 'number') {
      throw new StoreError(`Vault read of ${this.locator} returned no data (deleted or destroyed version).`);
    }
    return { data, version: meta.version, ...(meta.created_time ? { createdAt: meta.created_time } : {}) };
  }

  private keyOf(kv: KvVersion): string {
    const value = kv.data[this.field];
    if (typeof value !== 'string') {
      throw new StoreError(
        `the Vault secret ${this.mount}/${this.path} has no string field ${this.field} (version ${kv.version}).`,
      );
    }
    this.seen.push(value);
    return value;
  }

  private async write(data: SecretData, cas: number): Promise<SecretVersion> {
    const body = (await this.call('POST', this.url('data'), 'write', { options: { cas }, data })) as {
      data?: { version?: number; created_time?: string };
    };
    if (typeof body?.data?.version !== 'number') {
      throw new StoreError(`Vault write of ${this.locator} returned no version.`);
    }
    return versionOf({
      data,
      version: body.data.version,
      ...(body.data.created_time ? { createdAt: body.data.created_time } : {}),
    });
  }
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
