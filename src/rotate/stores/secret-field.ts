import { StoreError } from '../../shared/errors.js';

/**
 * A secret is either the key itself or a JSON object holding it under `field`. These helpers read
 * and merge that field, keeping every other key of the object. Messages name the locator and the
 * field, never the content.
 */
export function readField(raw: string, field: string | undefined, locator: string): string {
  if (field === undefined) return raw;
  const object = parseObject(raw, locator);
  const value = object?.[field];
  if (typeof value !== 'string') {
    throw new StoreError(`the secret ${locator} is not a JSON object with a string field ${field}.`);
  }
  return value;
}

/** The secret text with `field` set to `value` (the value itself when there is no field). */
export function writeField(raw: string | undefined, field: string | undefined, value: string, locator: string): string {
  if (field === undefined) return value;
  const object = raw === undefined || raw === '' ? {} : parseObject(raw, locator);
  if (object === undefined) {
    throw new StoreError(`the secret ${locator} is not a JSON object, so keyguard cannot set its field ${field}.`);
  }
  return JSON.stringify({ ...object, [field]: value });
}

function parseObject(raw: string, locator: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // The parser's message quotes the text, which may be the key: say nothing of the content.
    throw new StoreError(`the secret ${locator} is not valid JSON.`);
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : undefined;
}
