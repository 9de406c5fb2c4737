import { createHash } from 'node:crypto';
import { access, constants, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { DotenvStoreConfig as DotenvConfig } from '../../config/stores/dotenv.js';
import { StoreError } from '../../shared/errors.js';
import {
  checkRepoWrite,
  RepoFileError,
  type RepoWriteOptions,
  readRepoText,
  removeLeftovers,
  replaceFile,
} from '../../shared/repo-files.js';
import { checkVariableName, findAssignments, setVariable } from './dotenv-file.js';
import type { CurrentSecret, SecretStore, SecretVersion, StoreContext } from './store.js';

/** A version of a file is its content: the same bytes are the same version. */
function versionOf(text: string, mtime?: Date): SecretVersion {
  const id = `sha256:${createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16)}`;
  return { id, createdAt: mtime?.toISOString() };
}

function fileError(where: string, what: string, error: unknown): StoreError {
  if (error instanceof RepoFileError) return new StoreError(`${where}: ${error.message}`, { exitCode: 2 });
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
  return new StoreError(`${where}: cannot ${what} (${code}).`, { transient: code === 'EBUSY' || code === 'EAGAIN' });
}

/**
 * A local env file, for development. There is no staging: stage() writes the live value. The file keeps
 * no history, so a version is a hash of the file's content, readVersion() answers for the content on disk
 * only, abandon() works within the run that staged, and rollback() writes the previous value it is given.
 */
export async function createDotenvStore(config: DotenvConfig, context: StoreContext): Promise<SecretStore> {
  const variable = config.variable ?? 'ANTHROPIC_API_KEY';
  checkVariableName(variable);
  const where = config.path;
  const path = resolve(context.configDir, config.path);
  // The path comes from a config that may be committed: the file must be a regular file (not a link,
  // FIFO or device) inside the config's folder, and is replaced without ever writing through a link.
  const door: RepoWriteOptions = { root: context.configDir, shown: where };
  /** The text each staged version replaced, for abandon() in the same run; never written to disk. */
  const replaced = new Map<string, string | null>(); // null: there was no file

  async function load(): Promise<{ text: string; mode: number; version: SecretVersion } | undefined> {
    try {
      const info = await checkRepoWrite(path, door);
      if (!info) return undefined;
      const text = await readRepoText(path, door);
      if (text === undefined) return undefined;
      return { text, mode: info.mode & 0o7777, version: versionOf(text, info.mtime) };
    } catch (error) {
      throw fileError(where, 'read the file', error);
    }
  }

  function valueIn(text: string): string | undefined {
    return findAssignments(text, variable, where).at(-1)?.value;
  }

  async function write(text: string, mode: number): Promise<SecretVersion> {
    try {
      await checkRepoWrite(path, door);
      await replaceFile(path, text, mode);
    } catch (error) {
      throw fileError(where, 'write the file', error);
    }
    return versionOf(text, new Date());
  }

  /** Set the variable to `value`, unless it already holds it (a re-run). */
  async function put(value: string): Promise<{ version: SecretVersion; before?: string | null }> {
    const file = await load();
    if (file && valueIn(file.text) === value) return { version: file.version };
    const text = setVariable(file?.text ?? '', variable, value, where);
    return { version: await write(text, file?.mode ?? 0o600), before: file ? file.text : null };
  }

  return {
    type: 'dotenv',
    locator: config.path,
    capabilities: { staging: false, versioned: false },

    async preflight() {
      // A run killed mid-write left a temp file holding a key; this run holds the environment's lock.
      await removeLeftovers(path).catch(() => []);
      const file = await load();
      if (file) valueIn(file.text); // refuses a value it cannot edit safely before anything starts
      try {
        await access(dirname(path), constants.W_OK);
      } catch (error) {
        throw fileError(where, 'write to the directory of the file', error);
      }
    },

    async readCurrent(): Promise<CurrentSecret> {
      const file = await load();
      const value = file && valueIn(file.text);
      if (!file || value === undefined) {
        throw new StoreError(`${where}: ${variable} is not set${file ? '' : ' (no such file)'}.`, { exitCode: 2 });
      }
      return { value, version: file.version };
    },

    async readVersion(versionId) {
      // Only from disk: a read-back must see what landed in the file, and the file keeps no other version.
      const file = await load();
      const value = file?.version.id === versionId ? valueIn(file.text) : undefined;
      if (value === undefined) {
        throw new StoreError(
          `${where}: version ${versionId} is not the file's content any more (an env file keeps no history).`,
        );
      }
      return value;
    },

    async stage(value) {
      const { version, before } = await put(value);
      if (before !== undefined) replaced.set(version.id, before);
      return version;
    },

    async promote() {
      // The value is live from stage() on: nothing to do.
    },

    async rollback(_previous, previousValue) {
      return (await put(previousValue)).version;
    },

    async abandon(staged) {
      const file = await load();
      if (!file || file.version.id !== staged.id) return; // changed since: not ours to undo
      const before = replaced.get(staged.id);
      if (before === undefined) {
        throw new StoreError(`${where}: cannot abandon version ${staged.id} from another run; roll back instead.`);
      }
      if (before === null) await rm(path, { force: true });
      else await write(before, file.mode);
    },
  };
}
