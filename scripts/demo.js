#!/usr/bin/env node
// npm run demo: a throw-away repository with generated keys (never literal ones), scanned by keyguard.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeKey } from '../dist/scan/detect/keygen.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dir = mkdtempSync(join(tmpdir(), 'keyguard-demo-'));
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Demo',
  GIT_AUTHOR_EMAIL: 'demo@example.com',
  GIT_COMMITTER_NAME: 'Demo',
  GIT_COMMITTER_EMAIL: 'demo@example.com',
};
const git = (...args) =>
  execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], { cwd: dir, env, stdio: 'ignore' });
const write = (path, text) => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
};

git('init', '-q', '-b', 'main');
write(
  'src/client.ts',
  `import Anthropic from '@anthropic-ai/sdk';\n\n// TODO: move to the environment\nconst client = new Anthropic({ apiKey: '${makeKey('api03')}' });\n`,
);
write('.env', `ANTHROPIC_API_KEY=${makeKey('api03')}\n`);
write(
  'k8s/secret.yaml',
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: anthropic\ntype: Opaque\ndata:\n  ANTHROPIC_ADMIN_API_KEY: ${Buffer.from(makeKey('admin01')).toString('base64')}\n`,
);
write('.env.example', 'ANTHROPIC_API_KEY=sk-ant-api03-your-key-here\n');
write('README.md', '# demo app\n\nSet ANTHROPIC_API_KEY in .env (see .env.example).\n');
git('add', 'src', 'k8s', '.env.example', 'README.md');
git('commit', '-q', '-m', 'demo app');

process.stdout.write(`keyguard demo: a throw-away repository in ${dir}\n`);
process.stdout.write('  src/client.ts    a key committed in source\n');
process.stdout.write('  .env             a key in an untracked env file (not ignored!)\n');
process.stdout.write('  k8s/secret.yaml  an admin key, base64-encoded in a Kubernetes Secret\n');
process.stdout.write('  .env.example     a placeholder (not a finding)\n\n');
process.stdout.write('$ keyguard scan\n');
const result = spawnSync(process.execPath, [join(root, 'bin', 'keyguard.js'), 'scan'], {
  cwd: dir,
  stdio: 'inherit',
  env,
});
process.stdout.write(
  `\nkeyguard exited ${result.status} (1: findings at or above --fail-on high). Keys are masked: only hints and fingerprints are printed.\n`,
);
process.stdout.write(`Try: cd ${dir} && node ${join(root, 'bin', 'keyguard.js')} scan --format json\n`);
