import { expect } from 'vitest';
import type { CliResult } from '../../src/cli/io.js';
import { cli } from './cli.js';

/**
 * A whole credential: `sk-ant-<kind><NN>-` and a long body. Hints (`sk-ant-api03-R2D...igAA`) keep
 * three body characters, so they never match.
 */
const WHOLE_KEY = /sk-ant-[a-z]{2,12}\d{2}-[A-Za-z0-9_-]{20,}/;

/** Output must never hold a key (only --show-secrets prints one): neither a given key nor any key shape. */
export function expectMasked(text: string | CliResult, ...keys: string[]): void {
  const outputs = typeof text === 'string' ? [text] : [text.stdout, text.stderr];
  for (const output of outputs) {
    expect(output).not.toMatch(WHOLE_KEY);
    for (const key of keys) expect(output).not.toContain(key);
  }
}

/** `cli()` that also checks its output is masked, unless the test asked for --show-secrets. */
export async function maskedCli(...args: Parameters<typeof cli>): Promise<CliResult> {
  const result = await cli(...args);
  if (!args[0].includes('--show-secrets')) expectMasked(result);
  return result;
}
