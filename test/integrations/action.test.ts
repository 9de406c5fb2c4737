import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeKey } from '../../src/key/keygen.js';
import { BIN } from '../helpers/cli.js';
import { GIT_ENV, git, gitdir, tempDir, writeFiles } from '../helpers/git.js';
import { ajvDraft04, readJson } from '../helpers/json-schema.js';
import { programTree } from '../helpers/program.js';

const ROOT = join(import.meta.dirname, '..', '..');

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  if?: string;
}
interface Action {
  inputs: Record<string, { default?: string; description: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;
const step = (id: string) => action.runs.steps.find((s) => s.id === id)!;
const scanCommand = programTree().commands.find((c) => c.name() === 'scan')!;
const scanFlags = new Set(scanCommand.options.flatMap((o) => [o.long, o.short].filter(Boolean)));

/** The workflow the README tells users to copy. */
function readmeWorkflow(): { permissions: Record<string, string>; jobs: Record<string, { steps: Step[] }> } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/^```yaml\n([\s\S]*?)^```/gm)]
    .map((m) => m[1]!)
    .find((b) => /upload-sarif/.test(b));
  expect(block, 'README has a workflow using upload-sarif').toBeDefined();
  return parse(block!);
}

/**
 * Run one step's script the way a GitHub runner does (bash -eo pipefail, env from the step with the
 * `${{ }}` expressions resolved by `values`), with `npx` standing in for the built keyguard bin.
 */
function runStep(id: string, cwd: string, values: Record<string, string>) {
  const s = step(id);
  const env: Record<string, string> = {};
  for (const [name, expr] of Object.entries(s.env ?? {})) {
    const key = /\$\{\{\s*(.+?)\s*\}\}/.exec(expr)![1]!;
    env[name] = values[key] ?? '';
  }
  const bin = tempDir();
  writeFileSync(
    join(bin, 'npx'),
    `#!/bin/sh\n# stand-in for npx: drop --yes and the package spec, run the built bin\n[ "$1" = --yes ] && shift\ncase "$1" in keyguard*) shift ;; esac\nexec "${process.execPath}" "${BIN}" "$@"\n`,
  );
  chmodSync(join(bin, 'npx'), 0o755);
  const outputFile = join(tempDir(), 'github-output');
  writeFileSync(outputFile, '');
  const script = join(tempDir(), 'step.sh');
  writeFileSync(script, s.run!);
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    cwd,
    env: { ...GIT_ENV, ...env, PATH: `${bin}:${process.env.PATH}`, GITHUB_OUTPUT: outputFile, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  const outputs = Object.fromEntries(
    readFileSync(outputFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, outputs };
}

const defaults = () =>
  Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [`inputs.${name}`, input.default ?? '']));

describe('action.yml', () => {
  it('is a composite action whose inputs and step outputs are all defined and used', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['mode', 'fail-on', 'sarif-file', 'args']));
    const text = readFileSync(join(ROOT, 'action.yml'), 'utf8');
    const used = new Set([...text.matchAll(/\$\{\{\s*inputs\.([\w-]+)/g)].map((m) => m[1]));
    const usedIf = new Set([...text.matchAll(/if: inputs\.([\w-]+)/g)].map((m) => m[1]));
    for (const name of [...used, ...usedIf]) expect(Object.keys(action.inputs)).toContain(name);
    for (const name of Object.keys(action.inputs)) expect(used.has(name) || usedIf.has(name), name).toBe(true);
    const ids = new Set(action.runs.steps.map((s) => s.id).filter(Boolean));
    for (const [, id] of text.matchAll(/steps\.([\w-]+)\.outputs/g)) expect(ids).toContain(id);
  });

  it('passes inputs through the environment, never into a script', () => {
    for (const s of action.runs.steps) if (s.run) expect(s.run).not.toMatch(/\$\{\{/);
  });

  it('only uses keyguard scan flags and formats that exist', () => {
    const scripts = action.runs.steps.map((s) => s.run ?? '').join('\n');
    const flags = [...scripts.matchAll(/(?<![\w-])(--[a-z][a-z-]+)/g)].map((m) => m[1]!);
    const ours = flags.filter((f) => f !== '--yes' && f !== '--noprofile');
    expect(ours).toEqual(expect.arrayContaining(['--range', '--history', '--fail-on', '--format', '--output']));
    for (const flag of ours) expect(scanFlags, flag).toContain(flag);
    const formats = scanCommand.options.find((o) => o.long === '--format')!.argChoices!;
    for (const [, format] of scripts.matchAll(/--format (\w+)/g)) expect(formats).toContain(format);
    const severities = scanCommand.options.find((o) => o.long === '--fail-on')!.argChoices!;
    expect(severities).toContain(action.inputs['fail-on']!.default);
  });

  it('on a pull request scans the range of the PR: SARIF that validates, annotations, exit 1', () => {
    const repo = gitdir({ 'README.md': 'hello\n' });
    const base = git(repo, 'rev-parse', 'HEAD');
    writeFiles(repo, { 'src/client.ts': `const apiKey = '${makeKey('api03')}';\n` });
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'add client');
    const head = git(repo, 'rev-parse', 'HEAD');
    const values = {
      ...defaults(),
      'github.event_name': 'pull_request',
      'github.event.pull_request.base.sha': base,
      'github.event.pull_request.head.sha': head,
    };
    const plan = runStep('plan', repo, values);
    expect(plan.code).toBe(0);
    expect(plan.outputs).toEqual({ mode: 'pr', source: `--range ${base}..${head}`, sarif: 'keyguard.sarif' });

    const scan = runStep('scan', repo, {
      ...values,
      'steps.plan.outputs.source': plan.outputs.source!,
      'steps.plan.outputs.sarif': plan.outputs.sarif!,
    });
    expect(scan.stderr).toBe('');
    expect(scan.code).toBe(1);
    expect(scan.outputs['exit-code']).toBe('1');
    expect(scan.stdout).toMatch(/^::error file=src\/client\.ts,line=1,col=\d+,/m);
    const sarif = readJson(join(repo, 'keyguard.sarif')) as { runs: Array<{ results: unknown[] }> };
    expect(sarif.runs[0]!.results).toHaveLength(1);
    const validate = ajvDraft04(readJson(join(ROOT, 'test', 'fixtures', 'sarif-schema-2.1.0.json')));
    expect(validate(sarif)).toBe(true);
  });

  it('config-from-base: a pull request cannot exclude or baseline its own key', () => {
    const repo = gitdir({ 'README.md': 'hello\n', 'keyguard.config.json': '{}\n' });
    const base = git(repo, 'rev-parse', 'HEAD');
    const key = makeKey('api03');
    const fp = createHash('sha256').update(key).digest('hex');
    writeFiles(repo, {
      'src/client.ts': `const apiKey = '${key}';\n`,
      'keyguard.config.json': '{ "scan": { "exclude": ["**"], "failOn": "critical" } }\n',
      '.keyguard-baseline.json': `${JSON.stringify({ version: 1, entries: [{ fingerprint: fp }] })}\n`,
    });
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'nothing to see');
    const head = git(repo, 'rev-parse', 'HEAD');
    const event = {
      'github.event_name': 'pull_request',
      'github.event.pull_request.base.sha': base,
      'github.event.pull_request.head.sha': head,
      'runner.temp': tempDir(),
    };
    const scanWith = (fromBase: string) => {
      const values = { ...defaults(), ...event, 'inputs.config-from-base': fromBase, 'inputs.sarif-file': '' };
      const plan = runStep('plan', repo, values);
      const baseStep = fromBase === 'true' ? runStep('base', repo, values) : undefined;
      expect(baseStep?.code ?? 0).toBe(0);
      return runStep('scan', repo, {
        ...values,
        'steps.plan.outputs.source': plan.outputs.source!,
        'steps.plan.outputs.sarif': '',
        'steps.base.outputs.config': baseStep?.outputs.config ?? '',
        'steps.base.outputs.baseline': baseStep?.outputs.baseline ?? '',
      });
    };
    const fromBase = scanWith('true');
    expect(fromBase.code).toBe(1);
    expect(fromBase.stdout).toMatch(/^::error file=src\/client\.ts,line=1/m);
    expect(fromBase.stdout).toMatch(/^::warning file=keyguard\.config\.json,.*keyguard-config-weakened/m);
    expect(fromBase.stdout).toMatch(/^::warning file=\.keyguard-baseline\.json,.*keyguard-config-weakened/m);
    const ownConfig = scanWith('false');
    expect(ownConfig.code).toBe(0);
    expect(ownConfig.stdout).not.toMatch(/^::error/m);
    expect(ownConfig.stdout).toMatch(/excluded/);
    expect(ownConfig.stdout).toMatch(/keyguard-config-weakened/);
  });

  it('on a push scans the whole history; a clean repository passes', () => {
    const repo = gitdir({ 'a.txt': 'clean\n' });
    const values = { ...defaults(), 'github.event_name': 'push' };
    const plan = runStep('plan', repo, values);
    expect(plan.outputs.source).toBe('--history');
    const scan = runStep('scan', repo, {
      ...values,
      'inputs.sarif-file': '',
      'steps.plan.outputs.source': plan.outputs.source!,
      'steps.plan.outputs.sarif': '',
    });
    expect(scan.code).toBe(0);
    expect(scan.stdout).toMatch(/^::notice title=keyguard::0 finding/m);
    expect(existsSync(join(repo, 'keyguard.sarif'))).toBe(false);
  });

  it.each([
    ['pr mode outside a pull request', { 'inputs.mode': 'pr', 'github.event_name': 'push' }, /needs a pull_request/],
    ['an unknown mode', { 'inputs.mode': 'nightly' }, /mode must be auto, pr or push/],
    [
      'a base commit missing from a shallow clone',
      {
        'github.event_name': 'pull_request',
        'github.event.pull_request.base.sha': 'a'.repeat(40),
        'github.event.pull_request.head.sha': 'b'.repeat(40),
      },
      /fetch-depth: 0/,
    ],
  ])('stops with an error annotation and exit 2 on %s', (_name, values, message) => {
    const plan = runStep('plan', gitdir({ 'a.txt': 'x\n' }), { ...defaults(), ...values });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/^::error title=keyguard::/m);
    expect(plan.stdout).toMatch(message);
  });
});

describe('the README workflow', () => {
  it('checks out full history, runs the action with real inputs and uploads its SARIF', () => {
    const workflow = readmeWorkflow();
    expect(workflow.permissions['security-events']).toBe('write');
    const steps = Object.values(workflow.jobs)[0]!.steps;
    const checkout = steps.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(String(checkout.with?.['fetch-depth'])).toBe('0');
    const ours = steps.find((s) => /\/keyguard@/.test(s.uses ?? ''))!;
    for (const input of Object.keys(ours.with ?? {})) expect(Object.keys(action.inputs)).toContain(input);
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.with?.sarif_file).toBe(ours.with?.['sarif-file']);
    expect(upload.if).toMatch(/always\(\)/);
  });
});
