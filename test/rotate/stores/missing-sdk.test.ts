import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * An optional SDK that is not installed must give one sentence naming the package. A child process
 * with a module-resolution hook hides the package, since it is installed here as a devDependency.
 * Runs the built dist/ (npm test builds first).
 */
const STORES = pathToFileURL(join(import.meta.dirname, '..', '..', '..', 'dist', 'rotate', 'stores', 'index.js')).href;

function openWithout(pkg: string, store: object, env: Record<string, string>): { name: string; message: string } {
  const hook = `export async function resolve(s, c, next) {
    if (s === ${JSON.stringify(pkg)}) throw Object.assign(new Error('Cannot find package ' + s), { code: 'ERR_MODULE_NOT_FOUND' });
    return next(s, c);
  }`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
  const script = `import { openStore } from ${JSON.stringify(STORES)};
    try { await openStore(${JSON.stringify(store)}, { env: ${JSON.stringify(env)}, configDir: '.', timeoutMs: 1000 }); console.log('{}'); }
    catch (e) { console.log(JSON.stringify({ name: e.name, message: e.message })); }`;
  const child = spawnSync(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', script],
    { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
  );
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout);
}

describe('a missing optional SDK', () => {
  it('names @azure/keyvault-secrets in one sentence', () => {
    const error = openWithout(
      '@azure/keyvault-secrets',
      { type: 'azure', vaultUrl: 'http://127.0.0.1:9', name: 'k' },
      { KEYGUARD_AZURE_TEST_TOKEN: 't' },
    );
    expect(error).toEqual({
      name: 'ConfigError',
      message: 'the azure store needs the package @azure/keyvault-secrets: run npm install @azure/keyvault-secrets',
    });
  });

  it('names @azure/identity when a real credential is needed', () => {
    const error = openWithout(
      '@azure/identity',
      { type: 'azure', vaultUrl: 'https://example.vault.azure.net', name: 'k' },
      {},
    );
    expect(error.name).toBe('ConfigError');
    expect(error.message).toBe('the azure store needs the package @azure/identity: run npm install @azure/identity');
  });
});
