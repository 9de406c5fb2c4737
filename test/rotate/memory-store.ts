import type { CurrentSecret, SecretStore, SecretVersion } from '../../src/rotate/stores/store.js';
import { StoreError } from '../../src/shared/errors.js';

export type StoreStep =
  | 'preflight'
  | 'readCurrent'
  | 'readVersion'
  | 'stage'
  | 'promote'
  | 'rollback'
  | 'abandon'
  | 'retire';

interface Fault {
  transient: boolean;
  times: number;
  /** Fail only after the operation took effect (a write that succeeded but whose answer was lost). */
  afterEffect?: boolean;
}

/**
 * A SecretStore in memory, with a version history and labels like AWS, that can fail at any step.
 * `staging: false` behaves like dotenv/Vault: stage() writes the new current value at once.
 */
export class MemoryStore implements SecretStore {
  readonly type = 'module' as const;
  readonly locator = 'memory://prod/anthropic';
  readonly capabilities: { staging: boolean; versioned: boolean };
  versions: Array<{ id: string; value: string; createdAt: string; labels: string[] }> = [];
  calls: StoreStep[] = [];
  private faults = new Map<StoreStep, Fault>();
  /** Read-back returns this instead of the staged value. */
  corruptReadBack = false;
  /** After promotion, readCurrent serves this value (a consumer overwrote it, a replication lag…). */
  servedAfterPromote: string | undefined;

  constructor(initial: string, options: { staging?: boolean } = {}) {
    this.capabilities = { staging: options.staging ?? true, versioned: true };
    this.versions.push({ id: 'v1', value: initial, createdAt: '2026-01-01T00:00:00.000Z', labels: ['CURRENT'] });
  }

  fail(step: StoreStep, options: { transient?: boolean; times?: number; afterEffect?: boolean } = {}): this {
    this.faults.set(step, {
      transient: options.transient ?? false,
      times: options.times ?? Number.POSITIVE_INFINITY,
      afterEffect: options.afterEffect ?? false,
    });
    return this;
  }

  private check(step: StoreStep, phase: 'before' | 'after'): void {
    const fault = this.faults.get(step);
    if (!fault || fault.times <= 0 || Boolean(fault.afterEffect) !== (phase === 'after')) return;
    fault.times--;
    throw new StoreError(`memory store: ${step} failed${fault.transient ? ' (throttled)' : ''}`, {
      transient: fault.transient,
    });
  }

  private enter(step: StoreStep): void {
    this.calls.push(step);
    this.check(step, 'before');
  }

  get current(): { id: string; value: string } {
    return this.versions.find((v) => v.labels.includes('CURRENT'))!;
  }

  private label(id: string, label: string): void {
    for (const v of this.versions) v.labels = v.labels.filter((l) => l !== label);
    this.versions.find((v) => v.id === id)!.labels.push(label);
  }

  /** Disables an old version, like GCP's DisableSecretVersion. */
  async retire(old: SecretVersion): Promise<void> {
    this.enter('retire');
    this.versions.find((v) => v.id === old.id)!.labels.push('DISABLED');
  }

  async preflight(): Promise<void> {
    this.enter('preflight');
  }

  async readCurrent(): Promise<CurrentSecret> {
    this.enter('readCurrent');
    const cur = this.current;
    const promoted = this.versions.length > 1 && cur.id !== 'v1';
    const value = promoted && this.servedAfterPromote !== undefined ? this.servedAfterPromote : cur.value;
    const version = this.versions.find((v) => v.id === cur.id)!;
    return { value, version: { id: cur.id, createdAt: version.createdAt, labels: [...version.labels] } };
  }

  async readVersion(id: string): Promise<string> {
    this.enter('readVersion');
    const v = this.versions.find((x) => x.id === id);
    if (!v) throw new StoreError(`memory store: no version ${id}`);
    return this.corruptReadBack && v.labels.includes('PENDING') ? `${v.value}x` : v.value;
  }

  async stage(value: string, rotationId: string): Promise<SecretVersion> {
    this.enter('stage');
    let v = this.versions.find((x) => x.id === rotationId);
    if (!v) {
      v = { id: rotationId, value, createdAt: new Date().toISOString(), labels: [] };
      this.versions.push(v);
    }
    if (this.capabilities.staging) this.label(v.id, 'PENDING');
    else this.label(v.id, 'CURRENT');
    this.check('stage', 'after');
    return { id: v.id };
  }

  async promote(staged: SecretVersion): Promise<void> {
    this.enter('promote');
    if (this.capabilities.staging) {
      this.label(this.current.id, 'PREVIOUS');
      this.label(staged.id, 'CURRENT');
      this.versions.find((v) => v.id === staged.id)!.labels = ['CURRENT'];
    }
    this.check('promote', 'after');
  }

  async rollback(previous: SecretVersion): Promise<SecretVersion> {
    this.enter('rollback');
    this.label(previous.id, 'CURRENT');
    return { id: previous.id };
  }

  async abandon(staged: SecretVersion): Promise<void> {
    this.enter('abandon');
    const v = this.versions.find((x) => x.id === staged.id);
    if (v) v.labels = v.labels.filter((l) => l !== 'PENDING');
  }
}
