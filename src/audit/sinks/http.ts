import type { AuditEvent } from '../event.js';
import { toOcsf } from '../ocsf.js';
import type { AuditFormat, AuditSink } from './sink.js';

export interface HttpSinkOptions {
  url: string;
  token?: string;
  timeoutMs?: number;
  format: AuditFormat;
  fetch?: typeof fetch;
}

/**
 * POST each event as JSON to a SIEM endpoint, with a bearer token and a timeout. A failure throws;
 * the trail has already written the event to the file, so nothing is lost, and it reports the failure.
 */
export function httpSink(options: HttpSinkOptions): AuditSink {
  const doFetch = options.fetch ?? fetch;
  return {
    name: `http ${redactUrl(options.url)}`,
    async deliver(event: AuditEvent) {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': `keyguard/${event.tool.version}`,
      };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let response: Response;
      try {
        response = await doFetch(options.url, {
          method: 'POST',
          headers,
          body: JSON.stringify(options.format === 'ocsf' ? toOcsf(event) : event),
          signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
        });
      } catch (error) {
        const name = (error as Error).name;
        throw new Error(
          name === 'TimeoutError' ? `timed out after ${options.timeoutMs ?? 5000} ms` : 'connection failed',
        );
      }
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    },
  };
}

/** Never echo credentials embedded in a URL. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}
