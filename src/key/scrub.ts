import { hint } from './fingerprint.js';
import { findKeys } from './matcher.js';
import { isPlaceholderBody } from './placeholders.js';

/**
 * Any `sk-ant-<kind><NN>-` token with a long body, whatever is glued to it: the detector's boundary
 * rules decide what counts as a finding, but output masks more (a key inside `x_<key>.env` or a
 * branch `wip<key>` is still a key to whoever reads the log). Hints keep three body characters, so
 * they never match. Linear: a literal prefix, then character classes without nesting.
 */
const KEY_SHAPED = /sk-ant-[a-z]{2,12}\d{2}-([A-Za-z0-9_-]{20,})/g;

/**
 * Replace every credential-shaped token in a text by its hint. Error messages from SDKs and servers
 * can echo a key back, and repository names can hold one; this is the last line of defence before
 * text reaches output or the audit log.
 */
export function scrubSecrets(text: string): string {
  // Fast path for whole reports, which hold many hints and no key: KEY_SHAPED finds everything the
  // detector would (its bodies are at least MIN_UNRECOGNIZED_BODY long), in one native regex pass.
  if (!text.includes('sk-ant-')) return text;
  KEY_SHAPED.lastIndex = 0;
  if (!KEY_SHAPED.test(text)) return text;
  const buf = Buffer.from(text, 'utf8');
  const matches = findKeys(buf);
  let out = text;
  if (matches.length > 0) {
    out = '';
    let at = 0;
    for (const m of matches) {
      out += buf.subarray(at, m.start).toString('utf8') + hint(m.secret);
      at = m.end;
    }
    out += buf.subarray(at).toString('utf8');
  }
  return out.replace(KEY_SHAPED, (token, body: string) => (isPlaceholderBody(body) ? token : hint(token)));
}

/** True when the text holds a credential-shaped token (used to refuse writing it anywhere). */
export function containsSecret(text: string): boolean {
  return text.includes('sk-ant-') && findKeys(Buffer.from(text, 'utf8')).length > 0;
}
