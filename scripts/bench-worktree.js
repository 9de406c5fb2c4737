// Working-tree benchmark: keyguard scan against ripgrep on the same generated tree, in the same run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { makeKey, seededRandom } from '../dist/scan/detect/keygen.js';
import { BIN, bestOf, ROOT } from './bench-util.js';

const TREE_VERSION = 1;
const FILES = 5200;
const TARGET_BYTES = 210 * 1024 * 1024;

/** Source-like lines (identifiers, numbers, punctuation), from a seeded generator: the same tree every run. */
function textPool(random, size) {
  const words = [
    'const',
    'return',
    'function',
    'import',
    'export',
    'value',
    'config',
    'request',
    'response',
    'client',
    'await',
    'async',
    'if',
    'else',
    'for',
    'while',
    'string',
    'number',
    'true',
    'false',
    'null',
    'model',
    'token',
    'message',
    'content',
    'stream',
    'error',
    'result',
    'options',
    'data',
    'user',
    'id',
  ];
  const parts = [];
  let length = 0;
  while (length < size) {
    let line = '  '.repeat(Math.floor(random() * 4));
    const count = 3 + Math.floor(random() * 10);
    for (let i = 0; i < count; i++) {
      const r = random();
      line +=
        r < 0.75 ? words[Math.floor(random() * words.length)] : r < 0.9 ? String(Math.floor(random() * 1e6)) : '= ';
      line += random() < 0.2 ? '.' : random() < 0.2 ? '(' : ' ';
    }
    line += random() < 0.5 ? ';\n' : '\n';
    parts.push(line);
    length += line.length;
  }
  return Buffer.from(parts.join(''), 'latin1');
}

/** File sizes: mostly small source files, some medium, a few large ones (one over a 4 MiB chunk). */
function sizeOf(i, random) {
  if (i % 1000 === 7) return 12 * 1024 * 1024 + Math.floor(random() * 4 * 1024 * 1024);
  if (i % 50 === 3) return 256 * 1024 + Math.floor(random() * 768 * 1024);
  return 1024 + Math.floor(random() * 30 * 1024);
}

export function generateTree(dir) {
  const stamp = join(dir, '.complete');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === String(TREE_VERSION)) return;
  rmSync(dir, { recursive: true, force: true });
  const random = seededRandom(20260101);
  const pool = textPool(random, 8 * 1024 * 1024);
  let bytes = 0;
  const keys = [];
  for (let i = 0; i < FILES || bytes < TARGET_BYTES; i++) {
    const size = i < FILES ? sizeOf(i, random) : 16 * 1024 * 1024;
    const file = join(
      dir,
      `pkg${i % 40}`,
      `mod${Math.floor(i / 40) % 30}`,
      `file${i}.${['ts', 'js', 'json', 'md', 'txt'][i % 5]}`,
    );
    mkdirSync(join(file, '..'), { recursive: true });
    const parts = [];
    let have = 0;
    while (have < size) {
      const start = Math.floor(random() * (pool.length - 65536));
      const take = Math.min(size - have, 65536);
      parts.push(pool.subarray(start, start + take));
      have += take;
    }
    // A few files carry a key, so both tools have something to find.
    if (i % 500 === 11) {
      const key = makeKey(i % 1000 === 11 ? 'api03' : 'oat01', seededRandom(i));
      keys.push(file);
      parts.splice(Math.floor(parts.length / 2), 0, Buffer.from(`\nANTHROPIC_API_KEY=${key}\n`));
    }
    const data = Buffer.concat(parts);
    writeFileSync(file, data);
    bytes += data.length;
  }
  writeFileSync(stamp, String(TREE_VERSION));
  return { bytes, keys: keys.length };
}

function treeStats(dir) {
  const out = execFileSync('du', ['-sb', dir], { encoding: 'utf8' });
  const files = execFileSync('find', [dir, '-type', 'f'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\n')
    .filter(Boolean).length;
  return { bytes: Number(out.split('\t')[0]), files };
}

function ensureRipgrep() {
  if (spawnSync('sh', ['-c', 'command -v rg'], { stdio: 'ignore' }).status === 0) return true;
  process.stdout.write('ripgrep missing: apt-get install -y ripgrep\n');
  const install = spawnSync(
    'sh',
    ['-c', 'apt-get install -y ripgrep || (apt-get update && apt-get install -y ripgrep)'],
    {
      stdio: 'ignore',
    },
  );
  if (install.status !== 0) {
    process.stdout.write('could not install ripgrep (apt-get failed): comparing without it\n');
    return false;
  }
  return true;
}

export async function benchWorktree() {
  const dir = join(ROOT, 'bench-data', 'worktree');
  process.stdout.write(`worktree: generating ${dir} (deterministic; reused when present)\n`);
  generateTree(dir);
  const stats = treeStats(dir);
  process.stdout.write(`worktree: ${stats.files} files, ${(stats.bytes / 1048576).toFixed(0)} MB\n`);
  const hasRg = ensureRipgrep();
  // bench-data/ is ignored by the project's git repository, so keyguard scans it with --no-gitignore:
  // the same files as rg -uu (the tree has no .gitignore of its own).
  const args = [BIN, 'scan', '--no-gitignore', '--quiet', '--format', 'json', dir];
  const keyguard = bestOf(3, process.execPath, args, { okCodes: [0, 1] });
  const summary = JSON.parse(keyguard.stdout).summary;
  process.stdout.write(
    `keyguard scan: best of 3 ${keyguard.ms.toFixed(0)} ms (${summary.files} files, ${summary.findings} findings)\n`,
  );
  const threaded = bestOf(3, process.execPath, args, {
    okCodes: [0, 1],
    env: { ...process.env, KEYGUARD_THREADS: '2' },
  });
  process.stdout.write(`keyguard scan, KEYGUARD_THREADS=2: best of 3 ${threaded.ms.toFixed(0)} ms\n`);
  const node = bestOf(3, process.execPath, ['-e', '0']);
  process.stdout.write(`(node start-up alone: ${node.ms.toFixed(0)} ms; load average ${loadavg()[0].toFixed(1)})\n`);
  if (!hasRg) return { keyguardMs: keyguard.ms };
  const rg = bestOf(3, 'rg', ['-uu', '-c', 'sk-ant-', dir], { okCodes: [0, 1] });
  const rgFiles = rg.stdout.split('\n').filter(Boolean).length;
  process.stdout.write(`rg -uu -c sk-ant-: best of 3 ${rg.ms.toFixed(0)} ms (${rgFiles} files with a hit)\n`);
  const ratio = keyguard.ms / rg.ms;
  process.stdout.write(`ratio keyguard/rg: ${ratio.toFixed(2)}x (target: within 2x)\n`);
  return { keyguardMs: keyguard.ms, rgMs: rg.ms, ratio };
}
