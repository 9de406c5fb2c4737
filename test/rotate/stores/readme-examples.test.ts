import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/loader.js';
import { STORE_SCHEMAS } from '../../../src/config/schema.js';

/** The configuration examples of the store subsections of README.md. */
const STORES = ['aws', 'gcp', 'dotenv', 'module', 'azure', 'vault', 'doppler'];

function examples(): Map<string, string[]> {
  const readme = readFileSync('README.md', 'utf8');
  const byStore = new Map<string, string[]>();
  for (const part of readme.split(/^### /m).slice(1)) {
    const store = part.slice(0, part.indexOf('\n')).trim();
    if (!STORES.includes(store)) continue;
    const blocks = [...part.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
    byStore.set(
      store,
      blocks.filter((b) => b.includes('"environments"')),
    );
  }
  return byStore;
}

describe('README store examples', () => {
  const found = examples();
  it.each(STORES)('the %s example is a valid keyguard.config.json', (store) => {
    const blocks = found.get(store) ?? [];
    expect(blocks).toHaveLength(1);
    const config = parseConfig(blocks[0]!, `README.md (${store})`);
    const stores = Object.values(config.environments ?? {}).map((e) => e.store.type);
    expect(stores).toEqual([store]);
  });

  it.each(['azure', 'vault', 'doppler'])('every field of the %s store is documented in the schema', (type) => {
    for (const [name, field] of Object.entries(STORE_SCHEMAS[type]!.properties!)) {
      expect(field.description, `${type}.${name}`).toMatch(/\S/);
    }
  });

  it('a vault store with an unknown field is refused', () => {
    const text = JSON.stringify({ environments: { prod: { store: { type: 'vault', path: 'p', token: 'x' } } } });
    expect(() => parseConfig(text, 'k.json')).toThrow(/token|additional|not allowed/i);
  });
});
