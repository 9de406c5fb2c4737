import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';

/** An independent JSON Schema validator (ajv, strict), so our schemas are checked as real JSON Schema. */
export function ajvDraft07(schema: object): ValidateFunction {
  return new Ajv({ strict: true, allErrors: true }).compile(schema);
}

/**
 * ajv for draft-04 schemas (the SARIF 2.1.0 schema is draft-04). ajv-draft-04 is CommonJS with a
 * default export, so it is loaded through require to keep TypeScript's module interop out of the way.
 * The three string formats SARIF uses are checked with small, honest definitions instead of pulling
 * in ajv-formats. `unicodeRegExp: false`: the official schema's `language` pattern has a stray `]` that
 * only compiles as a plain (non-`u`) JavaScript regular expression.
 */
export function ajvDraft04(schema: object): ValidateFunction {
  const require = createRequire(import.meta.url);
  const Ajv04 = require('ajv-draft-04') as typeof Ajv;
  const ajv = new Ajv04({ strict: false, allErrors: true, unicodeRegExp: false });
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'file:///') && !/\s/.test(s));
  ajv.addFormat('date-time', (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s));
  return ajv.compile(schema);
}

export function readJson(path: string): object {
  return JSON.parse(readFileSync(path, 'utf8')) as object;
}
