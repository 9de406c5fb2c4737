import type { DopplerStoreConfig as DopplerConfig } from '../../config/stores/doppler.js';
import { fingerprint } from '../../key/fingerprint.js';
import { ConfigError, StoreError } from '../../shared/errors.js';
import { scrub } from './scrub.js';
import type { CurrentSecret, SecretStore, SecretVersion, StoreContext } from './store.js';
import { fetchWithTimeout, isTransientStatus } from './store-http.js';

/**
 * Doppler, over its REST API with fetch rather than @dopplerhq/node-sdk 1.3.0. The store needs two
 * routes, and the SDK gets in the way of both safety rules of a store: its HTTP layer has no timeout
 * or abort signal (a hung API would hang the rotation), it console.log()s network errors (output
 * that bypasses keyguard's single process boundary), it silently retries the secrets write on
 * 500/503/504 (the engine owns retries), and it JSON.parse()s any error page into a crash. With
 * fetch, no optional package is needed at all.
 *
 * Doppler has no simple per-secret version API (history lives in config logs), so a version id is
 * a hash of the value: enough to tell the staged value from the previous one, and no more revealing
 * than the fingerprint keyguard already records. Every write is current at once; rollback writes
 * the previous value again.
 */
export async function createDopplerStore(config: DopplerConfig, context: StoreContext): Promise<SecretStore> {
  const token = context.env.DOPPLER_TOKEN?.trim();
  if (!token)
    throw new ConfigError(
      'the doppler store needs a token: set DOPPLER_TOKEN (a service token with read/write access).',
    );
  return new DopplerStore(config, context, token);
}

class DopplerStore implements SecretStore {
  readonly type = 'doppler' as const;
  readonly locator: string;
  readonly capabilities = { staging: false, versioned: false };
  private readonly apiUrl: string;
  private readonly name: string;
  private readonly headers: Record<string, string>;
  private readonly seen: string[] = [];
  /** The value a stage() in this process replaced, for abandon(). */
  private replaced: { staged: string; value: string } | undefined;

  constructor(
    private readonly config: DopplerConfig,
    private readonly context: StoreContext,
    token: string,
  ) {
    this.apiUrl = (config.apiUrl ?? 'https://api.doppler.com').replace(/\/+$/, '');
    this.name = config.name ?? 'ANTHROPIC_API_KEY';
    this.locator = `doppler:${config.project}/${config.config}/${this.name}`;
    this.headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
  }

  async preflight(): Promise<void> {}

  async readCurrent(): Promise<CurrentSecret> {
    const { computed } = await this.read();
    return { value: computed, version: versionOf(computed) };
  }

  async readVersion(versionId: string): Promise<string> {
    const { computed } = await this.read();
    if (versionOf(computed).id !== versionId) {
      throw new StoreError(
        `${this.locator} no longer holds version ${versionId}; Doppler keeps no readable history of one secret.`,
      );
    }
    return computed;
  }

  async stage(value: string): Promise<SecretVersion> {
    const current = await this.read();
    // Idempotent re-run: the value is already there.
    if (current.computed === value && current.raw === value) return versionOf(value);
    if (current.raw !== current.computed) {
      throw new StoreError(`${this.locator} references another secret; rotate the secret it refers to instead.`);
    }
    const staged = await this.write(value);
    this.replaced = { staged: staged.id, value: current.raw };
    return staged;
  }

  async promote(): Promise<void> {}

  async rollback(_previous: SecretVersion, previousValue: string, staged: SecretVersion): Promise<SecretVersion> {
    const current = await this.read();
    if (current.computed === previousValue) return versionOf(previousValue);
    if (versionOf(current.computed).id !== staged.id) throw this.changedSince();
    return this.write(previousValue);
  }

  /**
   * The staged value is already current; abandoning it writes back the value the stage replaced.
   * Doppler keeps no readable per-secret history, so that value is only known to the process that
   * staged; another process gets a clear error (the engine then rolls back with the old value).
   */
  async abandon(staged: SecretVersion): Promise<void> {
    const current = await this.read();
    const replaced = this.replaced;
    if (versionOf(current.computed).id !== staged.id) {
      if (replaced?.staged === staged.id && current.computed === replaced.value) return;
      throw this.changedSince();
    }
    if (replaced?.staged !== staged.id) {
      throw new StoreError(
        `cannot undo the write to ${this.locator} from another process: Doppler keeps no readable history; roll back with the previous value.`,
      );
    }
    await this.write(replaced.value);
  }

  private async call(what: string, target: string, init: RequestInit): Promise<unknown> {
    const label = `Doppler ${what} of ${this.locator}`;
    const res = await fetchWithTimeout(target, init, this.context.timeoutMs, label);
    const text = await res.text();
    if (!res.ok) throw dopplerError(res.status, text, label, this.seen);
    try {
      return JSON.parse(text);
    } catch {
      throw new StoreError(`${label} returned a response that is not JSON.`, { transient: true });
    }
  }

  private async read(): Promise<{ raw: string; computed: string }> {
    const query = new URLSearchParams({ project: this.config.project, config: this.config.config, name: this.name });
    const body = (await this.call('read', `${this.apiUrl}/v3/configs/config/secret?${query}`, {
      headers: this.headers,
    })) as { value?: { raw?: unknown; computed?: unknown } };
    const { raw, computed } = body?.value ?? {};
    if (typeof raw !== 'string' || typeof computed !== 'string') {
      throw new StoreError(`Doppler returned no value for ${this.locator}.`);
    }
    this.seen.push(raw, computed);
    return { raw, computed };
  }

  private async write(value: string): Promise<SecretVersion> {
    this.seen.push(value);
    const { project, config } = this.config;
    await this.call('write', `${this.apiUrl}/v3/configs/config/secrets`, {
      method: 'POST',
      headers: { ...this.headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ project, config, secrets: { [this.name]: value } }),
    });
    return versionOf(value);
  }

  private changedSince(): StoreError {
    return new StoreError(`${this.locator} changed after keyguard wrote it; not overwriting it.`);
  }
}

function versionOf(value: string): SecretVersion {
  return { id: `sha256-${fingerprint(value).slice(0, 16)}` };
}

function dopplerError(status: number, text: string, what: string, seen: readonly string[]): StoreError {
  let messages: unknown;
  try {
    messages = (JSON.parse(text) as { messages?: unknown }).messages;
  } catch {}
  const detail = Array.isArray(messages) ? scrub(messages.join('; '), seen) : '';
  if (status === 401) return new StoreError(`${what} failed: the token was rejected (401); check DOPPLER_TOKEN.`);
  if (status === 403) {
    return new StoreError(`${what} failed: forbidden (403); DOPPLER_TOKEN needs read/write access to this config.`);
  }
  if (status === 404) return new StoreError(`${what} failed: no such project, config or secret (404).`);
  return new StoreError(`${what} failed with HTTP ${status}${detail ? `: ${detail}` : ''}.`, {
    transient: isTransientStatus(status),
  });
}
