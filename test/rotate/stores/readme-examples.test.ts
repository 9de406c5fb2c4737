import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/loader.js';

/** The configuration examples of the aws, gcp, dotenv and module subsections of README.md. */
function examples(): Map<string, string[]> {
  const readme = readFileSync('README.md', 'utf8');
  const byStore = new Map<string, string[]>();
  for (const part of readme.split(/^### /m).slice(1)) {
    const store = part.slice(0, part.indexOf('\n')).trim();
    if (!['aws', 'gcp', 'dotenv', 'module'].includes(store)) continue;
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
  it.each(['aws', 'gcp', 'dotenv', 'module'])('the %s example is a valid keyguard.config.json', (store) => {
    const blocks = found.get(store) ?? [];
    expect(blocks).toHaveLength(1);
    const config = parseConfig(blocks[0]!, `README.md (${store})`);
    const stores = Object.values(config.environments ?? {}).map((e) => e.store.type);
    expect(stores).toEqual([store]);
  });
});
