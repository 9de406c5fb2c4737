/**
 * What the rotation engine needs from Anthropic, as narrow interfaces: src/rotate/anthropic.ts
 * (verifyApiKey, AdminClient) satisfies them in production; tests can pass the fake server's client
 * or a stub.
 */
export type VerifyStatus = 'active' | 'inactive' | 'forbidden' | 'unknown';

export interface VerifyResult {
  status: VerifyStatus;
  detail: string;
  httpStatus?: number;
  requestId?: string;
  transient: boolean;
  retryAfterMs?: number;
}

export interface ConsoleKeyInfo {
  id: string;
  name: string;
  status: string;
  hint: string;
  workspaceId: string | null;
  createdAt: string;
  createdBy: string | null;
  expiresAt: string | null;
}

export interface KeyVerifier {
  verify(key: string): Promise<VerifyResult>;
}

export interface KeyAdmin {
  findByHint(hint: string): Promise<ConsoleKeyInfo[]>;
  setStatus(id: string, status: 'active' | 'inactive' | 'archived'): Promise<ConsoleKeyInfo>;
}
