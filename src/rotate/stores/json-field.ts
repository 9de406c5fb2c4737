import { StoreError } from '../../shared/errors.js';

/**
 * Secrets that are JSON documents (`{"ANTHROPIC_API_KEY": "...", "OTHER": "..."}`) hold the key in one
 * `field`; the other fields belong to someone else and must survive a rotation untouched.
 */
function parseObject(raw: string, where: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    // Never quote the text: it is a secret.
    throw new StoreError(`${where} is not a JSON document, but the config names a field in it.`, { exitCode: 2 });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StoreError(`${where} is not a JSON object, but the config names a field in it.`, { exitCode: 2 });
  }
  return value as Record<string, unknown>;
}

/** The key inside a secret: the whole value, or its `field`. */
export function readField(raw: string, field: string | undefined, where: string): string {
  if (field === undefined) return raw;
  const value = parseObject(raw, where)[field];
  if (typeof value !== 'string') {
    const problem = value === undefined ? 'has no field' : 'has a non-string field';
    throw new StoreError(`${where} ${problem} ${JSON.stringify(field)}.`, { exitCode: 2 });
  }
  return value;
}

/**
 * The secret text to write: the key itself, or `raw` with only `field` replaced (other fields, their
 * order and the document's indentation kept). A missing `raw` starts a new document.
 */
export function writeField(raw: string | undefined, field: string | undefined, key: string, where: string): string {
  if (field === undefined) return key;
  const object = raw === undefined ? {} : parseObject(raw, where);
  object[field] = key;
  const indent = raw !== undefined && /^\{\s*\n(\s+)/.exec(raw)?.[1];
  return indent ? JSON.stringify(object, null, indent) : JSON.stringify(object);
}
