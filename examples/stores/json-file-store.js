// An example keyguard store adapter: the key lives in a local JSON file that keeps every version and
// two labels, "current" and "pending", the way a real secrets manager does. Copy it as a starting point
// for your own store (an internal vault, a config service...).
//
// keyguard.config.json:
//   { "environments": { "dev": { "store": {
//       "type": "module", "path": "./json-file-store.js", "options": { "file": "secrets.json" } } } } }
//
// The module exports createStore(options, context). context is { env, configDir, timeoutMs }.
// Never put a key in an error message or a log line: keyguard scrubs what it can, but do not rely on it.
// Throw an error with `transient: true` when a retry may succeed (timeouts, 5xx, throttling).
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

export function createStore(options, context) {
  if (typeof options.file !== 'string') throw new Error('options.file (the JSON file) is required');
  const file = resolve(context.configDir, options.file);

  async function load() {
    return JSON.parse(await readFile(file, 'utf8')); // { versions: { id: value }, labels: { current, pending } }
  }
  async function save(data) {
    // Atomic: a reader sees the old file or the new one, never half of it.
    const temp = join(dirname(file), `.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temp, JSON.stringify(data, null, 2), { mode: 0o600 });
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
  const version = (data, id) => ({ id, labels: Object.keys(data.labels).filter((l) => data.labels[l] === id) });

  return {
    locator: options.file,
    capabilities: { staging: true, versioned: true },

    async preflight(rotationId) {
      const data = await load();
      if (data.labels.pending && data.labels.pending !== rotationId) {
        throw new Error(`version ${data.labels.pending} is pending from another rotation`);
      }
    },
    async readCurrent() {
      const data = await load();
      return { value: data.versions[data.labels.current], version: version(data, data.labels.current) };
    },
    async readVersion(id) {
      const data = await load();
      if (!(id in data.versions)) throw new Error(`no version ${id}`);
      return data.versions[id];
    },
    async stage(value, rotationId) {
      const data = await load();
      if (rotationId in data.versions && data.versions[rotationId] !== value) {
        throw new Error(`rotation ${rotationId} already staged another value`);
      }
      data.versions[rotationId] = value; // the rotation id is the version id: a re-run is a no-op
      data.labels.pending = rotationId;
      await save(data);
      return version(data, rotationId);
    },
    async promote(staged) {
      const data = await load();
      data.labels.current = staged.id;
      delete data.labels.pending;
      await save(data);
    },
    async rollback(previous) {
      const data = await load();
      data.labels.current = previous.id;
      delete data.labels.pending;
      await save(data);
      return version(data, previous.id);
    },
    async abandon(staged) {
      const data = await load();
      if (data.labels.pending === staged.id) delete data.labels.pending;
      await save(data);
    },
  };
}
