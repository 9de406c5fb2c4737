import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { commandPaths, programTree } from '../helpers/program.js';

const topLevel = programTree().commands.map((c) => c.name());
const nested = commandPaths().filter((p) => p.length > 1);

describe('--help', () => {
  it('the program lists every command', async () => {
    const result = await cli(['--help']);
    expect(result.exitCode).toBe(0);
    for (const name of topLevel) expect(result.stdout).toMatch(new RegExp(`^ {2}${name}\\b`, 'm'));
  });

  it.each(topLevel)('keyguard %s --help shows examples and exit codes', async (name) => {
    const result = await cli([name, '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: keyguard ${name}\\b`, 'm'));
    expect(result.stdout).toMatch(/^Examples:\n {2}\$ .*keyguard /m);
    expect(result.stdout).toMatch(/^Exit codes\b/m);
    expect(result.stdout).toMatch(/\b0\b/);
    expect(result.stdout).toMatch(/\b2\b/);
  });

  it.each(nested.map((p) => [p.join(' '), p]))('keyguard %s --help exits 0 with its usage', async (_name, path) => {
    const result = await cli([...(path as string[]), '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: keyguard ${(path as string[]).join(' ')}\\b`, 'm'));
  });
});
