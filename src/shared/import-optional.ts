import { ConfigError } from './errors.js';

/**
 * Import an optional SDK, or say in one sentence which package to install. Shared by the store
 * adapters and rotate/anthropic.ts; in rotate/stores/index.ts it made an import cycle with the adapters.
 */
export async function importOptional<T>(name: string, store: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new ConfigError(`the ${store} store needs the package ${name}: run npm install ${name}`);
    }
    throw error;
  }
}
