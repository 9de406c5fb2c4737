import { hint } from './fingerprint.js';
import { findKeys } from './matcher.js';

/**
 * Replace every credential-shaped token in a text by its hint. Error messages from SDKs and servers
 * can echo a key back; this is the last line of defence before they reach output or the audit log.
 */
export function scrubSecrets(text: string): string {
  if (!text.includes('sk-ant-')) return text;
  const buf = Buffer.from(text, 'utf8');
  const matches = findKeys(buf);
  if (matches.length === 0) return text;
  let out = '';
  let at = 0;
  for (const m of matches) {
    out += buf.subarray(at, m.start).toString('utf8') + hint(m.secret);
    at = m.end;
  }
  return out + buf.subarray(at).toString('utf8');
}

/** True when the text holds a credential-shaped token (used to refuse writing it anywhere). */
export function containsSecret(text: string): boolean {
  return text.includes('sk-ant-') && findKeys(Buffer.from(text, 'utf8')).length > 0;
}
