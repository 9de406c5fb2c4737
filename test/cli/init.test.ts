import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/loader.js';
import { SCHEMA_REF } from '../../src/init/starter-config.js';
import { cli } from '../helpers/cli.js';
import { gitdir, tempDir, writeFiles } from '../helpers/git.js';

const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');
const exists = (dir: string, path: string) => {
  try {
    statSync(join(dir, path));
    return true;
  } catch {
    return false;
  }
};

/** A project as someone starts it: a git repository with a .env holding a (placeholder) value. */
const project = () => gitdir({ 'package.json': '{"name":"app"}\n', '.env': 'ANTHROPIC_API_KEY=changeme\n' });

describe('keyguard init', () => {
  it('--yes writes the config, fixes .gitignore, installs the hook and prints next steps', async () => {
    const dir = project();
    const result = await cli(['init', '--yes'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/✔ wrote keyguard\.config\.json/);
    expect(result.stdout).toMatch(/✔ \.gitignore: added .*\.env/);
    expect(result.stdout).toMatch(/✔ pre-commit hook installed \(git: \.git\/hooks\/pre-commit\)/);
    expect(result.stdout).toMatch(/Next steps:\n {2}keyguard scan/);

    const config = read(dir, 'keyguard.config.json');
    expect(parseConfig(config, 'keyguard.config.json')).toMatchObject({
      $schema: SCHEMA_REF,
      scan: { failOn: 'high' },
    });
    expect(read(dir, '.gitignore').split('\n')).toContain('.env');
    expect(read(dir, '.git/hooks/pre-commit')).toMatch(/keyguard.*scan --staged/);
  });

  it('is idempotent: a second run changes nothing and says so', async () => {
    const dir = project();
    expect((await cli(['init', '--yes'], { cwd: dir })).exitCode).toBe(0);
    const files = ['keyguard.config.json', '.gitignore', '.git/hooks/pre-commit'];
    const before = files.map((f) => read(dir, f));
    const again = await cli(['init', '--yes'], { cwd: dir });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toMatch(/Nothing changed: keyguard is already set up here\./);
    expect(again.stdout).not.toMatch(/✔/);
    expect(files.map((f) => read(dir, f))).toEqual(before);
    // Already set up, so no question is needed: works without --yes and without a terminal.
    const plain = await cli(['init'], { cwd: dir });
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout).toMatch(/Nothing changed/);
  });

  it('the repository it leaves passes the doctor checks it fixed', async () => {
    const dir = project();
    await cli(['init', '--yes'], { cwd: dir });
    const doctor = await cli(['doctor', '--format', 'json'], { cwd: dir });
    const checks = (JSON.parse(doctor.stdout) as { checks: Array<{ id: string; status: string }> }).checks;
    const status = Object.fromEntries(checks.map((c) => [c.id, c.status]));
    expect(status['gitignore-env']).toBe('pass');
    expect(status['pre-commit-hook']).toBe('pass');
  });

  it('without a terminal and without --yes it changes nothing and exits 2 with one line', async () => {
    const dir = project();
    const result = await cli(['init'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^keyguard: not a terminal.*pass --yes/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(exists(dir, 'keyguard.config.json')).toBe(false);
    expect(exists(dir, '.gitignore')).toBe(false);
  });

  it('on a terminal asks before each change and honours the answers', async () => {
    const dir = project();
    const asked: string[] = [];
    const confirm = async (question: string) => {
      asked.push(question);
      return !/pre-commit hook/.test(question);
    };
    const result = await cli(['init'], { cwd: dir, stdinIsTTY: true, confirm });
    expect(result.exitCode).toBe(0);
    expect(asked).toHaveLength(3);
    expect(asked[0]).toMatch(/keyguard\.config\.json/);
    expect(result.stdout).toMatch(/- skipped: install a pre-commit hook/);
    expect(exists(dir, 'keyguard.config.json')).toBe(true);
    expect(exists(dir, '.git/hooks/pre-commit')).toBe(false);
  });

  it('keeps an existing config as it is', async () => {
    const dir = project();
    writeFiles(dir, { 'keyguard.config.json': '{ "scan": { "failOn": "medium" } }\n' });
    const result = await cli(['init', '--yes', '--no-hook'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/keyguard\.config\.json already there \(kept as is\)/);
    expect(result.stdout).toMatch(/pre-commit hook left alone \(--no-hook\)/);
    expect(read(dir, 'keyguard.config.json')).toBe('{ "scan": { "failOn": "medium" } }\n');
  });

  it('runs at the top of the work tree when started in a subfolder', async () => {
    const dir = project();
    writeFiles(dir, { 'src/index.js': '\n' });
    const result = await cli(['init', '--yes', '--no-hook'], { cwd: join(dir, 'src') });
    expect(result.exitCode).toBe(0);
    expect(exists(dir, 'keyguard.config.json')).toBe(true);
    expect(exists(join(dir, 'src'), 'keyguard.config.json')).toBe(false);
  });

  it('outside git writes config and .gitignore and says how to get the hook', async () => {
    const dir = tempDir();
    writeFiles(dir, { '.env': 'X=1\n' });
    const result = await cli(['init', '--yes'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(exists(dir, 'keyguard.config.json')).toBe(true);
    expect(read(dir, '.gitignore').split('\n')).toContain('.env');
    expect(result.stdout).toMatch(/no git repository here: run `git init`, then `keyguard hook install`/);
  });
});
