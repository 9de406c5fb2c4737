import { checkEndpoint } from '../config/trust.js';
import { KeyguardError } from '../shared/errors.js';
import { importOptional } from '../shared/import-optional.js';

/**
 * The Anthropic API as keyguard uses it: "is this key live?" (GET /v1/models?limit=1, no tokens
 * spent) and the Admin API's key list/update (the API cannot create keys). Goes through
 * @anthropic-ai/sdk, loaded lazily so `scan` never pays for it. Only the configured base URL
 * (default https://api.anthropic.com) is ever contacted. Every call has an explicit timeout: the
 * SDK's default is ten minutes.
 */
export interface AnthropicOptions {
  /** Base URL; default ANTHROPIC_BASE_URL from `env`, then https://api.anthropic.com. */
  baseUrl?: string;
  timeoutMs?: number;
  /** Retries of transient failures inside one call (429, 5xx, network). */
  maxRetries?: number;
  env?: Record<string, string | undefined>;
}

export const DEFAULT_BASE_URL = 'https://api.anthropic.com';
export const DEFAULT_TIMEOUT_MS = 15_000;

export type VerifyStatus = 'active' | 'inactive' | 'forbidden' | 'unknown';

export interface VerifyResult {
  status: VerifyStatus;
  detail: string;
  httpStatus?: number;
  requestId?: string;
  /** True when trying again later may give another answer (429, 529, 5xx, network, timeout). */
  transient: boolean;
  /** Seconds the API asked to wait (retry-after), when it said. */
  retryAfterSeconds?: number;
}

export type ConsoleKeyStatus = 'active' | 'inactive' | 'archived' | 'expired';

/** An API key as the Admin API describes it: never the secret, only its partial hint. */
export interface ConsoleKey {
  id: string;
  name: string;
  status: ConsoleKeyStatus;
  hint: string;
  workspaceId: string | null;
  createdAt: string;
  createdBy: string | null;
  expiresAt: string | null;
}

/** An Admin API call that failed; carries the HTTP status and whether a retry may help. */
export class AnthropicApiError extends KeyguardError {
  readonly status: number | undefined;
  readonly transient: boolean;
  readonly requestId: string | undefined;
  constructor(message: string, options: { status?: number; transient: boolean; requestId?: string }) {
    super(message, 2);
    this.status = options.status;
    this.transient = options.transient;
    this.requestId = options.requestId;
  }
}

type Sdk = typeof import('@anthropic-ai/sdk');
type Client = InstanceType<Sdk['default']>;

/** The base URL a key is sent to: https, or plain http only to this machine (checkEndpoint). */
export function resolveBaseUrl(options: AnthropicOptions): string {
  const url = options.baseUrl || options.env?.ANTHROPIC_BASE_URL || DEFAULT_BASE_URL;
  const what = options.baseUrl
    ? 'anthropic.baseUrl'
    : options.env?.ANTHROPIC_BASE_URL
      ? 'ANTHROPIC_BASE_URL'
      : 'the base URL';
  return checkEndpoint(url, what).replace(/\/+$/, '');
}

async function client(key: string, options: AnthropicOptions): Promise<Client> {
  const sdk = await importOptional<Sdk>('@anthropic-ai/sdk', 'Anthropic API');
  // Always pass the key and base URL explicitly: the SDK otherwise reads a credential chain and
  // process.env, and the admin client and the verify client must never share credentials.
  return new sdk.default({
    apiKey: key,
    baseURL: resolveBaseUrl(options),
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? 1,
  });
}

interface SdkErrorShape {
  status?: number;
  requestID?: string | null;
  headers?: Headers | Record<string, string>;
  error?: { error?: { type?: string } };
  name?: string;
}

function header(headers: SdkErrorShape['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  return (headers as Record<string, string>)[name];
}

/** Map an SDK error to a status. Messages are ours: SDK messages may echo request details. */
export function classifyError(error: unknown): VerifyResult {
  const e = (error ?? {}) as SdkErrorShape;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const requestId = e.requestID ?? undefined;
  const type = e.error?.error?.type;
  const retryAfter = Number(header(e.headers, 'retry-after'));
  const base = {
    httpStatus: status,
    requestId,
    ...(Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}),
  };
  if (status === 401)
    return { ...base, status: 'inactive', detail: 'invalid, inactive or revoked (401)', transient: false };
  if (status === 404) return { ...base, status: 'inactive', detail: 'key not found (404)', transient: false };
  if (status === 403)
    return { ...base, status: 'forbidden', detail: 'key not permitted for this call (403)', transient: false };
  if (status === 402)
    return { ...base, status: 'forbidden', detail: 'billing problem on the organization (402)', transient: false };
  if (status === 429)
    return { ...base, status: 'unknown', detail: 'rate limited (429); try again later', transient: true };
  if (status === 529)
    return { ...base, status: 'unknown', detail: 'API overloaded (529); try again later', transient: true };
  if (status !== undefined && status >= 500) {
    return { ...base, status: 'unknown', detail: `API error (${status}); try again later`, transient: true };
  }
  if (status !== undefined) {
    return {
      ...base,
      status: 'unknown',
      detail: `unexpected answer (${status}${type ? ` ${type}` : ''})`,
      transient: false,
    };
  }
  const timedOut = e.name === 'APIConnectionTimeoutError';
  return {
    status: 'unknown',
    detail: timedOut ? 'timed out' : 'could not reach the API (network error)',
    transient: true,
  };
}

/** Is this API key live? GET /v1/models?limit=1. Never throws for API answers. */
export async function verifyApiKey(key: string, options: AnthropicOptions = {}): Promise<VerifyResult> {
  const api = await client(key, options);
  try {
    const { response } = await api.models.list({ limit: 1 }).withResponse();
    return { status: 'active', detail: 'key works (GET /v1/models)', httpStatus: response.status, transient: false };
  } catch (error) {
    return classifyError(error);
  }
}

/** Is this Admin API key live? GET /v1/organizations/api_keys?limit=1. */
export async function verifyAdminKey(adminKey: string, options: AnthropicOptions = {}): Promise<VerifyResult> {
  const api = await client(adminKey, options);
  try {
    await api.organization.apiKeys.list({ limit: 1 });
    return {
      status: 'active',
      detail: 'admin key works (GET /v1/organizations/api_keys)',
      httpStatus: 200,
      transient: false,
    };
  } catch (error) {
    return classifyError(error);
  }
}

type SdkKey = Awaited<ReturnType<Client['organization']['apiKeys']['retrieve']>>;

function toConsoleKey(key: SdkKey): ConsoleKey {
  const scope = key.scope as { type: string; workspace_id?: string } | undefined;
  const legacyWorkspace = (key as unknown as { workspace_id?: string | null }).workspace_id;
  return {
    id: key.id,
    name: key.name,
    status: key.status,
    hint: key.partial_key_hint ?? '',
    workspaceId: legacyWorkspace ?? scope?.workspace_id ?? null,
    createdAt: key.created_at,
    createdBy: key.created_by?.id ?? null,
    expiresAt: key.expires_at ?? null,
  };
}

/** The Admin API's API-key endpoints. Errors become AnthropicApiError with no secret in them. */
export class AdminClient {
  private api: Promise<Client> | undefined;
  constructor(
    private readonly adminKey: string,
    private readonly options: AnthropicOptions = {},
  ) {}

  private async call<T>(what: string, fn: (api: Client) => Promise<T>): Promise<T> {
    this.api ??= client(this.adminKey, this.options);
    try {
      return await fn(await this.api);
    } catch (error) {
      const result = classifyError(error);
      throw new AnthropicApiError(`Admin API ${what} failed: ${result.detail}`, {
        status: result.httpStatus,
        transient: result.transient,
        requestId: result.requestId,
      });
    }
  }

  async listKeys(filter: { status?: ConsoleKeyStatus; workspaceId?: string } = {}): Promise<ConsoleKey[]> {
    return this.call('list api_keys', async (api) => {
      const keys: ConsoleKey[] = [];
      const query = {
        limit: 100,
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.workspaceId ? { workspace_id: filter.workspaceId } : {}),
      };
      for await (const key of api.organization.apiKeys.list(query)) keys.push(toConsoleKey(key));
      return keys;
    });
  }

  /** Keys whose partial_key_hint matches: the way from a leaked value to its Console id. */
  async findByHint(hint: string, filter: { workspaceId?: string } = {}): Promise<ConsoleKey[]> {
    return (await this.listKeys(filter)).filter((key) => key.hint === hint);
  }

  async getKey(id: string): Promise<ConsoleKey> {
    return this.call(`get ${id}`, async (api) => toConsoleKey(await api.organization.apiKeys.retrieve(id)));
  }

  /** inactive ⇄ active is reversible; archived is not. */
  async setStatus(id: string, status: 'active' | 'inactive' | 'archived'): Promise<ConsoleKey> {
    return this.call(`update ${id}`, async (api) =>
      toConsoleKey(await api.organization.apiKeys.update(id, { status })),
    );
  }
}
