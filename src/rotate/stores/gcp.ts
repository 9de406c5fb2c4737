import type { GcpStoreConfig as GcpConfig } from '../../config/stores/gcp.js';
import { ExitCode, StoreError } from '../../shared/errors.js';
import { crc32c } from './crc32c.js';
import { createGcpClient } from './gcp-client.js';
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
  const client = await createGcpClient(config.apiEndpoint, context.env);
  const secret = config.secret;
  const where = `GCP secret ${secret}`;
  // One attempt per call with a deadline: the rotation engine owns retries, so they stay bounded.
  const options = { timeout: context.timeoutMs, retry: null };
  const seen: string[] = [];

  async function rpc<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const e = error as { code?: unknown; details?: unknown; message?: unknown };
      const code = typeof e.code === 'number' ? e.code : undefined;
      const transient = (code !== undefined && TRANSIENT_CODES.has(code)) || isNetworkError(error);
      const failure = storeError('gcp', `${what} on ${secret}`, String(e.details || e.message || error), {
        transient,
        secrets: seen,
      });
      throw Object.assign(failure, { grpcCode: code });
    }
  }

  async function access(version: string): Promise<{ raw: string; id: string }> {
    const [response] = await rpc('AccessSecretVersion', () =>
      client.accessSecretVersion({ name: `${secret}/versions/${version}` }, options),
    );
    const data = Buffer.from(response.payload?.data ?? []);
    const expected = response.payload?.dataCrc32c;
    if (expected !== undefined && expected !== null && Number(expected) !== crc32c(data)) {
      throw new StoreError(`${where}: version ${idOf(response.name)} failed its checksum on the way.`, {
        transient: true,
      });
    }
    const raw = data.toString('utf8');
    seen.push(raw);
    return { raw, id: idOf(response.name) };
  }

  async function getVersion(version: string): Promise<VersionInfo> {
    const [info] = await rpc('GetSecretVersion', () =>
      client.getSecretVersion({ name: `${secret}/versions/${version}` }, options),
    );
    return info as VersionInfo;
  }

  async function add(raw: string): Promise<SecretVersion> {
    const data = Buffer.from(raw, 'utf8');
    const [version] = await rpc('AddSecretVersion', () =>
      client.addSecretVersion({ parent: secret, payload: { data, dataCrc32c: crc32c(data) } }, options),
    );
    return { id: idOf(version.name), createdAt: createdAt(version as VersionInfo), labels: ['latest'] };
  }

  /** Disable with the etag just read: if someone changed the version since, the service refuses (ABORTED). */
  async function disable(version: VersionInfo): Promise<void> {
    const request = { name: version.name!, etag: version.etag ?? undefined };
    await rpc('DisableSecretVersion', () => client.disableSecretVersion(request, options));
  }

  const isEnabled = (version: VersionInfo) => version.state === 'ENABLED' || version.state === 1;

  /** Make `value` the key in `latest` again (other JSON fields as they are now); a re-run adds nothing. */
  async function restore(value: string): Promise<SecretVersion> {
    const latest = await access('latest');
    if (readField(latest.raw, config.field, where) === value) {
      const info = await getVersion(latest.id);
      return { id: latest.id, createdAt: createdAt(info), labels: ['latest'] };
    }
    return add(writeField(latest.raw, config.field, value, where));
  }

  return {
    type: 'gcp',
    locator: secret,
    capabilities: { staging: false, versioned: true },

    async preflight() {
      const [info] = await rpc('GetSecret', () => client.getSecret({ name: secret }, options));
      const managed = info.rotation?.managedRotationStatus?.state;
      if (managed === 'ACTIVE' || managed === 1) {
        throw new StoreError(`${where} has managed rotation active, so Google rotates it; keyguard will not.`, {
          exitCode: ExitCode.usage,
        });
      }
      const latest = await getVersion('latest');
      if (!isEnabled(latest)) {
        throw new StoreError(
          `${where}: the latest version ${idOf(latest.name)} is ${latest.state}, so readers of latest get an error; enable it or add a version first.`,
          { exitCode: ExitCode.usage },
        );
      }
    },

    async readCurrent(): Promise<CurrentSecret> {
      const latest = await access('latest');
      const info = await getVersion(latest.id);
      const version = { id: latest.id, createdAt: createdAt(info), labels: ['latest'] };
      return { value: readField(latest.raw, config.field, where), version };
    },

    async readVersion(versionId) {
      return readField((await access(versionId)).raw, config.field, where);
    },

    async stage(value) {
      seen.push(value);
      // AddSecretVersion has no idempotency token. The engine never stages the key it replaces, so a
      // latest version that already holds `value` is this rotation's own, from a run that was cut short.
      return restore(value);
    },

    async promote(staged) {
      const latest = await getVersion('latest');
      if (idOf(latest.name) !== staged.id) {
        throw new StoreError(
          `${where}: version ${idOf(latest.name)} was added after the new key's version ${staged.id}, so readers of latest do not get the new key.`,
        );
      }
    },

    async rollback(_previous, previousValue) {
      seen.push(previousValue);
      return restore(previousValue);
    },

    async abandon(staged) {
      // No staging: the staged version has been live since stage(). Put the value before it back on top,
      // then disable it so no one pins it by number. Without the secretVersionManager role the version stays
      // enabled but is no longer latest: readers are safe, so that is not a failure of abandon.
      const latest = await getVersion('latest');
      if (idOf(latest.name) === staged.id) {
        const [versions] = await rpc('ListSecretVersions', () =>
          client.listSecretVersions({ parent: secret, filter: 'state:ENABLED' }, { ...options, autoPaginate: true }),
        );
        const before = (versions as VersionInfo[])
          .filter((v) => isEnabled(v) && Number(idOf(v.name)) < Number(staged.id))
          .sort((a, b) => Number(idOf(b.name)) - Number(idOf(a.name)))[0];
        if (!before) throw new StoreError(`${where}: no enabled version before ${staged.id} to go back to.`);
        await restore(readField((await access(idOf(before.name))).raw, config.field, where));
      }
      const info = await getVersion(staged.id);
      if (!isEnabled(info)) return;
      try {
        await disable(info);
      } catch (error) {
        if ((error as { grpcCode?: number }).grpcCode !== PERMISSION_DENIED) throw error;
      }
    },

    async retire(old) {
      const info = await getVersion(old.id);
      if (!isEnabled(info)) return;
      const latest = await getVersion('latest');
      if (idOf(latest.name) === old.id) {
        throw new StoreError(`${where}: version ${old.id} is still latest; disabling it would cut off every reader.`);
      }
      await disable(info);
    },
  };
}
