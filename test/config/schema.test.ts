import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/loader.js';
import { CONFIG_SCHEMA } from '../../src/config/schema.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('config schema', () => {
  it('the build writes schema/keyguard.config.schema.json from the object the loader uses', () => {
    const file = join(ROOT, 'schema', 'keyguard.config.schema.json');
    expect(existsSync(file), 'run npm run build first').toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(CONFIG_SCHEMA)));
  });

  it('accepts the full example of the README and DESIGN §6', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('<!-- section:config -->'));
    const example = /```json\n([\s\S]*?)```/.exec(section)![1]!;
    expect(parseConfig(example, 'keyguard.config.json').scan).toEqual({
      exclude: ['fixtures/**'],
      failOn: 'high',
      baseline: '.keyguard-baseline.json',
    });
  });
});
