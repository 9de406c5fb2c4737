// Doctor benchmark: `keyguard doctor` on a generated 5,000-file repository (target: under 1 s).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { runDoctor } from '../dist/doctor/runner.js';
import { makeKey, seededRandom } from '../dist/scan/detect/keygen.js';
import { BIN, BENCH_GIT_ENV as env, ROOT } from './bench-util.js';

const TREE_VERSION = 2;
const FILES = 5000;
const RUNS = 5;

/**
 * A web-app-shaped repository: source in many folders (some reading ANTHROPIC_API_KEY on the
 * server), env files and templates, a Dockerfile, and an ignored dist/ with build output, committed
 * over a few commits so history has something to walk.
 */
function generate(dir) {
  const marker = join(dir, `.bench-v${TREE_VERSION}`);
  if (existsSync(marker)) return;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const random = seededRandom(42);
  const write = (path, text) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  const git = (...args) =>
    execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], { cwd: dir, env, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  write('.gitignore', 'node_modules/\ndist/\n.env\n.env.*\n!.env.example\n');
  write('Dockerfile', 'FROM node:20\nCOPY . .\n');
  write('.dockerignore', 'node_modules\n**/.env\n**/.env.*\n');
  write('.env.example', 'ANTHROPIC_API_KEY=\n');
  write('.env', `ANTHROPIC_API_KEY=${makeKey('api03', random)}\n`);
  write('.env.production', `ANTHROPIC_API_KEY=${makeKey('api03', random)}\n`);
  const body = (i) => {
    const lines = [`// module ${i}`];
    for (let n = 0; n < 60; n++)
      lines.push(`export const value${n} = ${Math.floor(random() * 1e9)}; // config option ${n}`);
    if (i % 50 === 0) lines.push('const apiKey = process.env.ANTHROPIC_API_KEY;');
    return `${lines.join('\n')}\n`;
  };
  // 5,000 tracked files: the source plus the four set-up files above.
  const sourceFiles = FILES - 4;
  for (let i = 0; i < sourceFiles; i++) {
    write(`src/feature${i % 40}/part${Math.floor(i / 40) % 10}/file${i}.ts`, body(i));
    if (i === Math.floor(sourceFiles / 2)) {
      git('add', '-A');
      git('commit', '-q', '-m', 'first half');
    }
  }
  for (let i = 0; i < 200; i++) write(`dist/chunk${i}.js`, body(i));
  git('add', '-A');
  git('commit', '-q', '-m', 'second half');
  writeFileSync(marker, '');
}

export async function run() {
  const dir = join(ROOT, 'bench-data', 'doctor');
  process.stdout.write(`doctor: generating ${dir} (deterministic; reused when present)\n`);
  generate(dir);
  const files = execFileSync('git', ['ls-files'], { cwd: dir, encoding: 'utf8' }).split('\n').filter(Boolean).length;
  const once = () => {
    const started = performance.now();
    const result = spawnSync(process.execPath, [BIN, 'doctor', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
    const ms = performance.now() - started;
    if (result.status !== 0 && result.status !== 1) throw new Error(`doctor exited ${result.status}: ${result.stderr}`);
    return { ms, checks: JSON.parse(result.stdout).checks };
  };
  once();
  const times = [];
  let last;
  for (let i = 0; i < RUNS; i++) {
    last = once();
    times.push(last.ms);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  // The same work without node's start-up and the CLI's module loading.
  const inProcess = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await runDoctor({ path: dir });
    inProcess.push(performance.now() - started);
  }
  inProcess.sort((a, b) => a - b);
  const inMedian = inProcess[Math.floor(inProcess.length / 2)];
  const startup = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    startup.push(performance.now() - started);
  }
  startup.sort((a, b) => a - b);
  const statuses = last.checks.map((c) => `${c.id}=${c.status}`).join(' ');
  process.stdout.write(`doctor: ${files} tracked files + 200 ignored build files; ${statuses}\n`);
  process.stdout.write(
    `keyguard doctor (whole process): median of ${RUNS} ${median.toFixed(0)} ms, best ${times[0].toFixed(0)} ms (target: under 1000 ms)\n`,
  );
  process.stdout.write(
    `runDoctor (in process): median of ${RUNS} ${inMedian.toFixed(0)} ms, best ${inProcess[0].toFixed(0)} ms\n`,
  );
  process.stdout.write(
    `node + CLI start-up alone (keyguard --version): median ${startup[Math.floor(RUNS / 2)].toFixed(0)} ms\n`,
  );
  process.stdout.write(`load average while measuring: ${loadavg()[0].toFixed(1)} on this machine's cores\n`);
  return { files, medianMs: median, bestMs: times[0], inProcessMedianMs: inMedian };
}

export const benchDoctor = run;
