/**
 * What the rotation engine needs from Anthropic, as narrow interfaces: src/rotate/anthropic.ts
 * (verifyApiKey, AdminClient) satisfies them in production; tests can pass a stub. Type-only
 * imports: nothing here loads the SDK.
 */
import type { ConsoleKey, VerifyResult } from '../anthropic/client.js';

export type { ConsoleKey, VerifyResult, VerifyStatus } from '../anthropic/client.js';

export interface KeyVerifier {
  verify(key: string): Promise<VerifyResult>;
}

export interface KeyAdmin {
  findByHint(hint: string): Promise<ConsoleKey[]>;
  setStatus(id: string, status: 'active' | 'inactive' | 'archived'): Promise<ConsoleKey>;
}
