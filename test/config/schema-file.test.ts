import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/loader.js';
import { CONFIG_SCHEMA } from '../../src/config/schema.js';
import { renderSchema, SCHEMA_FILE } from '../../src/config/schema-file.js';
import { ConfigError } from '../../src/shared/errors.js';
import { ajvDraft07 } from '../helpers/json-schema.js';

const ROOT = join(import.meta.dirname, '..', '..');
const validateWithAjv = ajvDraft07(CONFIG_SCHEMA);

/** Both validators must agree: the loader's own and an independent JSON Schema implementation. */
function verdicts(config: unknown) {
  let loader = true;
  try {
    parseConfig(JSON.stringify(config), 'keyguard.config.json');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    loader = false;
  }
  return { loader, ajv: validateWithAjv(config) };
}

/** Every ```json block of the README that is a config (has a "scan" or "environments" field). */
function readmeConfigs(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/^```json\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
  return blocks.filter((b) => /"(environments|scan)"\s*:/.test(b));
}

const VALID = {
  $schema: './node_modules/keyguard/schema/keyguard.config.schema.json',
  scan: { exclude: ['fixtures/**'], failOn: 'high', baseline: '.keyguard-baseline.json', maxFileSizeMB: 50 },
  environments: {
    prod: {
      store: { type: 'aws', secretId: 'prod/anthropic', region: 'us-east-1', field: 'ANTHROPIC_API_KEY' },
      maxAgeDays: 30,
    },
    staging: { store: { type: 'gcp', secret: 'projects/p/secrets/anthropic-api-key' }, maxAgeDays: 60 },
    az: { store: { type: 'azure', vaultUrl: 'https://v.vault.azure.net', name: 'anthropic' } },
    hv: { store: { type: 'vault', path: 'apps/anthropic', mount: 'secret' } },
    dp: { store: { type: 'doppler', project: 'web', config: 'prd' } },
    dev: { store: { type: 'dotenv', path: '.env', variable: 'ANTHROPIC_API_KEY' }, maxAgeDays: 90 },
    own: { store: { type: 'module', path: './my-store.js', options: { any: 1 } } },
  },
  anthropic: { adminKeyEnv: 'ANTHROPIC_ADMIN_API_KEY', timeoutMs: 5000 },
  audit: { file: '.keyguard/audit.jsonl', format: 'ocsf', http: { url: 'https://siem.example/in' } },
};

const withEnv = (env: object) => ({ environments: { prod: env } });

describe('shipped config schema', () => {
  it('the schema file in the package is exactly what the build generates from the loader schema', () => {
    expect(readFileSync(join(ROOT, SCHEMA_FILE), 'utf8')).toBe(renderSchema());
  });

  it('the schema file is committed, not only built', () => {
    const tracked = spawnSync('git', ['ls-files', '--error-unmatch', SCHEMA_FILE], { cwd: ROOT, encoding: 'utf8' });
    // A source tarball without .git has nothing to ask; in a clone the file must be tracked.
    if (tracked.status === 128 && /not a git repository/.test(tracked.stderr)) return;
    expect(tracked.status, tracked.stderr).toBe(0);
  });

  it('the package ships the schema folder', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('schema/');
  });

  it('a config using every store and option is valid for both validators', () => {
    expect(verdicts(VALID)).toEqual({ loader: true, ajv: true });
  });

  it('every config example in the README validates with the loader and with ajv', () => {
    const examples = readmeConfigs();
    expect(examples.length).toBeGreaterThan(0);
    for (const text of examples) {
      expect(() => parseConfig(text, 'README example')).not.toThrow();
      expect(validateWithAjv(JSON.parse(text)), text).toBe(true);
    }
  });

  it.each([
    ['a misspelt top-level field', { scna: {} }],
    ['a misspelt store field', withEnv({ store: { type: 'aws', secretID: 'x' } })],
    ['an unknown store type', withEnv({ store: { type: 'keychain', path: 'x' } })],
    ['a missing required store field', withEnv({ store: { type: 'azure', vaultUrl: 'https://v' } })],
    ['a bad severity', { scan: { failOn: 'severe' } }],
    ['a GCP secret that is not a resource name', withEnv({ store: { type: 'gcp', secret: 'anthropic' } })],
    ['a zero age policy', withEnv({ store: { type: 'dotenv', path: '.env' }, maxAgeDays: 0 })],
    ['a fractional age policy', withEnv({ store: { type: 'dotenv', path: '.env' }, maxAgeDays: 1.5 })],
    ['an empty string', { audit: { file: '' } }],
    ['an environment without a store', withEnv({ maxAgeDays: 30 })],
    ['an exclude that is not a list', { scan: { exclude: 'fixtures/**' } }],
  ])('%s is rejected by both the loader and ajv', (_name, config) => {
    expect(verdicts(config)).toEqual({ loader: false, ajv: false });
  });
});
