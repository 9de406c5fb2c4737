import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/loader.js';
import { STORE_SCHEMAS } from '../../../src/config/schema.js';

const README = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');

/** The azure/vault/doppler subsections of the README (from their marker to the next section). */
function section(): string {
  const start = README.indexOf('<!-- stores:issue-6 -->');
  const end = README.indexOf('\n## ', start);
  expect(start).toBeGreaterThan(0);
  return README.slice(start, end === -1 ? undefined : end);
}

describe('azure, vault and doppler configuration', () => {
  it('every README example validates against the config schema', () => {
    const examples = [...section().matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(
      examples.map(
        (e) => (JSON.parse(e) as { environments: { prod: { store: { type: string } } } }).environments.prod.store.type,
      ),
    ).toEqual(['azure', 'vault', 'doppler']);
    for (const example of examples) expect(() => parseConfig(example, 'README.md')).not.toThrow();
  });

  it('documents every field of the three stores', () => {
    for (const type of ['azure', 'vault', 'doppler']) {
      for (const [name, field] of Object.entries(STORE_SCHEMAS[type]!.properties!)) {
        expect(field.description, `${type}.${name}`).toMatch(/\S/);
      }
    }
  });

  it('rejects an unknown field', () => {
    const text = JSON.stringify({ environments: { prod: { store: { type: 'vault', path: 'p', token: 'x' } } } });
    expect(() => parseConfig(text, 'k.json')).toThrow();
  });
});
