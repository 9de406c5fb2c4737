import type { GcpStoreConfig as GcpConfig } from '../../config/stores/gcp.js';
import { ExitCode, StoreError } from '../../shared/errors.js';
import { crc32c } from './crc32c.js';
import { createGcpClient, type GcpClient } from './gcp-client.js';
import { readField, writeField } from './json-field.js';
import { isNetworkError, storeError } from './scrub.js';
import type { CurrentSecret, SecretStore, SecretVersion, StoreContext } from './store.js';

interface VersionInfo {
  name?: string | null;
  state?: string | number | null;
  etag?: string | null;
  createTime?: { seconds?: string | number | null; nanos?: number | null } | null;
}

/** gRPC codes worth another try: UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED (etag race), INTERNAL. */
const TRANSIENT_CODES = new Set([14, 4, 8, 10, 13]);
const PERMISSION_DENIED = 7;

const idOf = (name: string | null | undefined) => name?.split('/').at(-1) ?? '';

function createdAt(version: VersionInfo): string | undefined {
  const seconds = Number(version.createTime?.seconds ?? 0);
  return seconds ? new Date(seconds * 1000 + (version.createTime?.nanos ?? 0) / 1e6).toISOString() : undefined;
}

/**
 * Google Secret Manager. There is no staging: a new version is `latest` at once, which is what
 * consumers read. Rollback adds the previous value again as a new version rather than re-enabling the
 * old one, because `latest` is the newest version whatever its state: disabling the bad version would
 * leave readers of `latest` with an error, not with the old key. Disabling sends the version's etag.
 */
export async function createGcpStore(config: GcpConfig, context: StoreContext): Promise<SecretStore> {
  return new GcpStore(config, context, await createGcpClient(config.apiEndpoint, context.env));
}

class GcpStore implements SecretStore {
  readonly type = 'gcp' as const;
  readonly locator: string;
  readonly capabilities = { staging: false, versioned: true };
  private readonly where: string;
  // One attempt per call with a deadline: the rotation engine owns retries, so they stay bounded.
  private readonly options: { timeout: number; retry: null };
  private readonly seen: string[] = [];

  constructor(
    private readonly config: GcpConfig,
    context: StoreContext,
    private readonly client: GcpClient,
  ) {
    this.locator = config.secret;
    this.where = `GCP secret ${config.secret}`;
    this.options = { timeout: context.timeoutMs, retry: null };
  }

  private get secret(): string {
    return this.config.secret;
  }

  async preflight(): Promise<void> {
    const [info] = await this.rpc('GetSecret', () => this.client.getSecret({ name: this.secret }, this.options));
    const managed = info.rotation?.managedRotationStatus?.state;
    if (managed === 'ACTIVE' || managed === 1) {
      throw new StoreError(`${this.where} has managed rotation active, so Google rotates it; keyguard will not.`, {
        exitCode: ExitCode.usage,
      });
    }
    const latest = await this.getVersion('latest');
    if (!isEnabled(latest)) {
      throw new StoreError(
        `${this.where}: the latest version ${idOf(latest.name)} is ${latest.state}, so readers of latest get an error; enable it or add a version first.`,
        { exitCode: ExitCode.usage },
      );
    }
  }

  async readCurrent(): Promise<CurrentSecret> {
    const latest = await this.access('latest');
    const info = await this.getVersion(latest.id);
    const version = { id: latest.id, createdAt: createdAt(info), labels: ['latest'] };
    return { value: this.keyIn(latest.raw), version };
  }

  async readVersion(versionId: string): Promise<string> {
    return this.keyIn((await this.access(versionId)).raw);
  }

  async stage(value: string): Promise<SecretVersion> {
    this.seen.push(value);
    // AddSecretVersion has no idempotency token. The engine never stages the key it replaces, so a
    // latest version that already holds `value` is this rotation's own, from a run that was cut short.
    return this.restore(value);
  }

  async promote(staged: SecretVersion): Promise<void> {
    const latest = await this.getVersion('latest');
    if (idOf(latest.name) !== staged.id) {
      throw new StoreError(
        `${this.where}: version ${idOf(latest.name)} was added after the new key's version ${staged.id}, so readers of latest do not get the new key.`,
      );
    }
  }

  async rollback(_previous: SecretVersion, previousValue: string): Promise<SecretVersion> {
    this.seen.push(previousValue);
    return this.restore(previousValue);
  }

  async abandon(staged: SecretVersion): Promise<void> {
    // No staging: the staged version has been live since stage(). Put the value before it back on top,
    // then disable it so no one pins it by number. Without the secretVersionManager role the version stays
    // enabled but is no longer latest: readers are safe, so that is not a failure of abandon.
    const latest = await this.getVersion('latest');
    if (idOf(latest.name) === staged.id) {
      const before = await this.enabledBefore(staged.id);
      await this.restore(this.keyIn((await this.access(idOf(before.name))).raw));
    }
    const info = await this.getVersion(staged.id);
    if (!isEnabled(info)) return;
    try {
      await this.disable(info);
    } catch (error) {
      if ((error as { grpcCode?: number }).grpcCode !== PERMISSION_DENIED) throw error;
    }
  }

  async retire(old: SecretVersion): Promise<void> {
    const info = await this.getVersion(old.id);
    if (!isEnabled(info)) return;
    const latest = await this.getVersion('latest');
    if (idOf(latest.name) === old.id) {
      throw new StoreError(
        `${this.where}: version ${old.id} is still latest; disabling it would cut off every reader.`,
      );
    }
    await this.disable(info);
  }

  private keyIn(raw: string): string {
    return readField(raw, this.config.field, this.where);
  }

  private async rpc<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const e = error as { code?: unknown; details?: unknown; message?: unknown };
      const code = typeof e.code === 'number' ? e.code : undefined;
      const transient = (code !== undefined && TRANSIENT_CODES.has(code)) || isNetworkError(error);
      const failure = storeError('gcp', `${what} on ${this.secret}`, String(e.details || e.message || error), {
        transient,
        secrets: this.seen,
      });
      throw Object.assign(failure, { grpcCode: code });
    }
  }

  private async access(version: string): Promise<{ raw: string; id: string }> {
    const [response] = await this.rpc('AccessSecretVersion', () =>
      this.client.accessSecretVersion({ name: `${this.secret}/versions/${version}` }, this.options),
    );
    const data = Buffer.from(response.payload?.data ?? []);
    const expected = response.payload?.dataCrc32c;
    if (expected !== undefined && expected !== null && Number(expected) !== crc32c(data)) {
      throw new StoreError(`${this.where}: version ${idOf(response.name)} failed its checksum on the way.`, {
        transient: true,
      });
    }
    const raw = data.toString('utf8');
    this.seen.push(raw);
    return { raw, id: idOf(response.name) };
  }

  private async getVersion(version: string): Promise<VersionInfo> {
    const [info] = await this.rpc('GetSecretVersion', () =>
      this.client.getSecretVersion({ name: `${this.secret}/versions/${version}` }, this.options),
    );
    return info as VersionInfo;
  }

  /** The newest enabled version older than `id`: what readers had before it. */
  private async enabledBefore(id: string): Promise<VersionInfo> {
    const [versions] = await this.rpc('ListSecretVersions', () =>
      this.client.listSecretVersions(
        { parent: this.secret, filter: 'state:ENABLED' },
        { ...this.options, autoPaginate: true },
      ),
    );
    const before = (versions as VersionInfo[])
      .filter((v) => isEnabled(v) && Number(idOf(v.name)) < Number(id))
      .sort((a, b) => Number(idOf(b.name)) - Number(idOf(a.name)))[0];
    if (!before) throw new StoreError(`${this.where}: no enabled version before ${id} to go back to.`);
    return before;
  }

  private async add(raw: string): Promise<SecretVersion> {
    const data = Buffer.from(raw, 'utf8');
    const [version] = await this.rpc('AddSecretVersion', () =>
      this.client.addSecretVersion({ parent: this.secret, payload: { data, dataCrc32c: crc32c(data) } }, this.options),
    );
    return { id: idOf(version.name), createdAt: createdAt(version as VersionInfo), labels: ['latest'] };
  }

  /** Disable with the etag just read: if someone changed the version since, the service refuses (ABORTED). */
  private async disable(version: VersionInfo): Promise<void> {
    const request = { name: version.name!, etag: version.etag ?? undefined };
    await this.rpc('DisableSecretVersion', () => this.client.disableSecretVersion(request, this.options));
  }

  /** Make `value` the key in `latest` again (other JSON fields as they are now); a re-run adds nothing. */
  private async restore(value: string): Promise<SecretVersion> {
    const latest = await this.access('latest');
    if (this.keyIn(latest.raw) === value) {
      const info = await this.getVersion(latest.id);
      return { id: latest.id, createdAt: createdAt(info), labels: ['latest'] };
    }
    return this.add(writeField(latest.raw, this.config.field, value, this.where));
  }
}

const isEnabled = (version: VersionInfo) => version.state === 'ENABLED' || version.state === 1;
