// Start-up and pre-commit benchmarks: `keyguard --version`, and `keyguard scan --staged` with 10
// staged files in a 5,000-file repository (what a pre-commit hook costs on every commit).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../dist/scan/detect/keygen.js';
import { BIN, bestOf, BENCH_GIT_ENV as GIT_ENV, ROOT } from './bench-util.js';

const REPO_VERSION = 1;
const FILES = 5000;

function git(cwd, ...args) {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'gc.auto=0', ...args], {
    cwd,
    env: GIT_ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A committed 5,000-file repository, then 10 files changed and staged (rebuilt only when missing). */
function prepareRepo(dir) {
  const stamp = join(dir, '.git', 'keyguard-bench');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== String(REPO_VERSION)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    git(dir, 'init', '-q', '-b', 'main');
    const random = seededRandom(7);
    for (let i = 0; i < FILES; i++) {
      const file = join(dir, `src/m${i % 50}/file${i}.ts`);
      mkdirSync(join(file, '..'), { recursive: true });
      const lines = Array.from({ length: 20 + Math.floor(random() * 200) }, (_, n) => `export const v${n} = ${n};`);
      writeFileSync(file, `${lines.join('\n')}\n`);
    }
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'bench repository');
    writeFileSync(stamp, String(REPO_VERSION));
  }
  for (let i = 0; i < 10; i++) {
    writeFileSync(join(dir, `src/m${i}/file${i * 37}.ts`), `// changed for the bench\nexport const changed = ${i};\n`);
  }
  git(dir, 'add', '-A');
}

export async function benchStaged() {
  const version = bestOf(5, process.execPath, [BIN, '--version']);
  const node = bestOf(5, process.execPath, ['-e', '0']);
  process.stdout.write(
    `keyguard --version: best of 5 ${version.ms.toFixed(0)} ms (target: < 150 ms; node start-up alone ${node.ms.toFixed(0)} ms)\n`,
  );
  const dir = join(ROOT, 'bench-data', 'staged-repo');
  process.stdout.write(`staged: preparing a ${FILES}-file repository in ${dir}\n`);
  prepareRepo(dir);
  const staged = bestOf(5, process.execPath, [BIN, 'scan', '--staged', '--quiet', '--format', 'json'], { cwd: dir });
  const summary = JSON.parse(staged.stdout).summary;
  process.stdout.write(
    `keyguard scan --staged: best of 5 ${staged.ms.toFixed(0)} ms (${summary.files} staged files; target: < 300 ms)\n`,
  );
  return { versionMs: version.ms, stagedMs: staged.ms };
}
