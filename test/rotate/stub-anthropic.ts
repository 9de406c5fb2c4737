import type { ConsoleKeyStatus } from '../../src/anthropic/client.js';
import { hint } from '../../src/key/fingerprint.js';
import type { ConsoleKey, KeyAdmin, KeyVerifier, VerifyResult } from '../../src/rotate/ports.js';

/**
 * An in-process Anthropic for engine unit tests: a Console of keys (status, workspace) and a verify
 * call whose answers can be scripted (429, 529…). The CLI tests use the real fake server instead.
 */
export class StubAnthropic implements KeyVerifier, KeyAdmin {
  keys = new Map<string, ConsoleKey & { secret: string }>();
  verifyCalls = 0;
  private script: VerifyResult[] = [];
  private next = 1;

  add(secret: string, options: { status?: ConsoleKeyStatus; workspaceId?: string | null; name?: string } = {}): string {
    const id = `apikey_${String(this.next++).padStart(4, '0')}`;
    this.keys.set(id, {
      id,
      secret,
      name: options.name ?? id,
      status: options.status ?? 'active',
      hint: hint(secret),
      workspaceId: options.workspaceId ?? null,
      createdAt: '2026-01-01T00:00:00Z',
      createdBy: 'user_01',
      expiresAt: null,
    });
    return id;
  }

  status(id: string): ConsoleKeyStatus | undefined {
    return this.keys.get(id)?.status;
  }

  /** The next verify calls answer these, in order, before the Console's state decides. */
  answer(...results: Array<Partial<VerifyResult> & Pick<VerifyResult, 'status'>>): this {
    for (const r of results) this.script.push({ detail: r.status, transient: false, ...r });
    return this;
  }

  async verify(key: string): Promise<VerifyResult> {
    this.verifyCalls++;
    const scripted = this.script.shift();
    if (scripted) return scripted;
    const found = [...this.keys.values()].find((k) => k.secret === key);
    if (found?.status === 'active') return { status: 'active', detail: 'ok', httpStatus: 200, transient: false };
    return { status: 'inactive', detail: 'invalid x-api-key', httpStatus: 401, transient: false };
  }

  async findByHint(h: string): Promise<ConsoleKey[]> {
    return [...this.keys.values()].filter((k) => k.hint === h).map(({ secret: _s, ...info }) => info);
  }

  async setStatus(id: string, status: 'active' | 'inactive' | 'archived'): Promise<ConsoleKey> {
    const key = this.keys.get(id);
    if (!key) throw new Error(`no key ${id}`);
    key.status = status;
    const { secret: _s, ...info } = key;
    return info;
  }
}
