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
  return new DotenvStore(config, context);
}

type LoadedFile = { text: string; mode: number; version: SecretVersion };

class DotenvStore implements SecretStore {
  readonly type = 'dotenv' as const;
  readonly locator: string;
  readonly capabilities = { staging: false, versioned: false };
  private readonly variable: string;
  /** The path as the config gives it, for messages. */
  private readonly where: string;
  private readonly path: string;
  // The path comes from a config that may be committed: the file must be a regular file (not a link,
  // FIFO or device) inside the config's folder, and is replaced without ever writing through a link.
  private readonly door: RepoWriteOptions;
  /** The text each staged version replaced, for abandon() in the same run; never written to disk. */
  private readonly replaced = new Map<string, string | null>(); // null: there was no file

  constructor(config: DotenvConfig, context: StoreContext) {
    this.variable = config.variable ?? 'ANTHROPIC_API_KEY';
    checkVariableName(this.variable);
    this.locator = config.path;
    this.where = config.path;
    this.path = resolve(context.configDir, config.path);
    this.door = { root: context.configDir, shown: this.where };
  }

  async preflight(): Promise<void> {
    // A run killed mid-write left a temp file holding a key; this run holds the environment's lock.
    await removeLeftovers(this.path).catch(() => []);
    const file = await this.load();
    if (file) this.valueIn(file.text); // refuses a value it cannot edit safely before anything starts
    try {
      await access(dirname(this.path), constants.W_OK);
    } catch (error) {
      throw fileError(this.where, 'write to the directory of the file', error);
    }
  }

  async readCurrent(): Promise<CurrentSecret> {
    const file = await this.load();
    const value = file && this.valueIn(file.text);
    if (!file || value === undefined) {
      throw new StoreError(`${this.where}: ${this.variable} is not set${file ? '' : ' (no such file)'}.`, {
        exitCode: 2,
      });
    }
    return { value, version: file.version };
  }

  async readVersion(versionId: string): Promise<string> {
    // Only from disk: a read-back must see what landed in the file, and the file keeps no other version.
    const file = await this.load();
    const value = file?.version.id === versionId ? this.valueIn(file.text) : undefined;
    if (value === undefined) {
      throw new StoreError(
        `${this.where}: version ${versionId} is not the file's content any more (an env file keeps no history).`,
      );
    }
    return value;
  }

  async stage(value: string): Promise<SecretVersion> {
    const { version, before } = await this.put(value);
    if (before !== undefined) this.replaced.set(version.id, before);
    return version;
  }

  async promote(): Promise<void> {
    // The value is live from stage() on: nothing to do.
  }

  async rollback(_previous: SecretVersion, previousValue: string): Promise<SecretVersion> {
    return (await this.put(previousValue)).version;
  }

  async abandon(staged: SecretVersion): Promise<void> {
    const file = await this.load();
    if (!file || file.version.id !== staged.id) return; // changed since: not ours to undo
    const before = this.replaced.get(staged.id);
    if (before === undefined) {
      throw new StoreError(`${this.where}: cannot abandon version ${staged.id} from another run; roll back instead.`);
    }
    if (before === null) await rm(this.path, { force: true });
    else await this.write(before, file.mode);
  }

  private async load(): Promise<LoadedFile | undefined> {
    try {
      const info = await checkRepoWrite(this.path, this.door);
      if (!info) return undefined;
      const text = await readRepoText(this.path, this.door);
      if (text === undefined) return undefined;
      return { text, mode: info.mode & 0o7777, version: versionOf(text, info.mtime) };
    } catch (error) {
      throw fileError(this.where, 'read the file', error);
    }
  }

  private valueIn(text: string): string | undefined {
    return findAssignments(text, this.variable, this.where).at(-1)?.value;
  }

  private async write(text: string, mode: number): Promise<SecretVersion> {
    try {
      await checkRepoWrite(this.path, this.door);
      await replaceFile(this.path, text, mode);
    } catch (error) {
      throw fileError(this.where, 'write the file', error);
    }
    return versionOf(text, new Date());
  }

  /** Set the variable to `value`, unless it already holds it (a re-run). */
  private async put(value: string): Promise<{ version: SecretVersion; before?: string | null }> {
    const file = await this.load();
    if (file && this.valueIn(file.text) === value) return { version: file.version };
    const text = setVariable(file?.text ?? '', this.variable, value, this.where);
    return { version: await this.write(text, file?.mode ?? 0o600), before: file ? file.text : null };
  }
}
