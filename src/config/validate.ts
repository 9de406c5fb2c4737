import type { JsonSchema } from './schema.js';

/** One way a value fails its schema: where (`environments.prod.store.secretId`) and what was expected. */
export interface SchemaIssue {
  path: string;
  message: string;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isInteger(value)) return 'integer';
  return typeof value;
}

function describe(value: unknown): string {
  const type = typeOf(value);
  if (type === 'string') return JSON.stringify(value);
  if (type === 'number' || type === 'integer' || type === 'boolean') return String(value);
  return type === 'object' ? 'an object' : `${type === 'array' ? 'an' : 'a'} ${type}`;
}

const join = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

/**
 * Validate `value` against the subset of JSON Schema draft-07 that keyguard's schema uses
 * (type, properties, required, additionalProperties, items, enum, const, oneOf, minimum,
 * minLength, pattern). Returns every issue found, most specific first.
 */
export function validate(value: unknown, schema: JsonSchema, path = ''): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const where = path || '(top level)';
  if (schema.oneOf) {
    // Stores are told apart by their `type`: report against the branch the value claims to be.
    const claimed = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
    const branch = schema.oneOf.find((s) => s.properties?.type?.const === claimed);
    if (!branch) {
      const names = schema.oneOf.map((s) => s.properties?.type?.const).filter(Boolean);
      return [{ path: join(path, 'type'), message: `expected one of ${names.join(', ')}, got ${describe(claimed)}` }];
    }
    return validate(value, branch, path);
  }
  if (schema.const !== undefined && value !== schema.const) {
    return [{ path: where, message: `expected ${JSON.stringify(schema.const)}, got ${describe(value)}` }];
  }
  if (schema.type) {
    const actual = typeOf(value);
    const ok = actual === schema.type || (schema.type === 'number' && actual === 'integer');
    if (!ok)
      return [
        {
          path: where,
          message: `expected ${/^[aeiou]/.test(schema.type) ? 'an' : 'a'} ${schema.type}, got ${describe(value)}`,
        },
      ];
  }
  if (schema.enum && !schema.enum.includes(value as string | number)) {
    issues.push({ path: where, message: `expected one of ${schema.enum.join(', ')}, got ${describe(value)}` });
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      issues.push({ path: where, message: 'expected a non-empty string' });
    }
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) {
      issues.push({ path: where, message: `expected a value matching ${schema.pattern}, got ${describe(value)}` });
    }
  }
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) {
    issues.push({ path: where, message: `expected a number ≥ ${schema.minimum}, got ${value}` });
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => {
      issues.push(...validate(item, schema.items!, join(path, i)));
    });
  }
  if (typeOf(value) === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (record[key] === undefined) issues.push({ path: join(path, key), message: 'is required' });
    }
    for (const [key, child] of Object.entries(record)) {
      const known = schema.properties?.[key];
      if (known) issues.push(...validate(child, known, join(path, key)));
      else if (schema.additionalProperties === false) {
        const allowed = Object.keys(schema.properties ?? {}).join(', ');
        issues.push({ path: join(path, key), message: `is not a known field (expected one of: ${allowed})` });
      } else if (typeof schema.additionalProperties === 'object') {
        issues.push(...validate(child, schema.additionalProperties, join(path, key)));
      }
    }
  }
  return issues;
}
