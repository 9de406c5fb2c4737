import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeKey, makeToken, seededRandom } from '../../src/key/keygen.js';
import { zip } from '../helpers/archives.js';
import { gitdir } from '../helpers/git.js';
import { maskedCli as cli, expectMasked } from '../helpers/masked.js';

/**
 * Golden files: the exact report of each format on a fixed tree. Keys come from a seeded generator,
 * so hints and fingerprints are stable; only hints and fingerprints reach the golden files.
 * Regenerate with UPDATE_GOLDEN=1 npx vitest run test/cli/golden.test.ts, then review the diff.
 */
const GOLDEN = join(import.meta.dirname, '..', 'golden');

function fixtureRepo(): { repo: string; keys: string[] } {
  const api = makeKey('api03', seededRandom(1));
  const admin = makeKey('admin01', seededRandom(2));
  const oauth = makeKey('oat01', seededRandom(3));
  const truncated = makeToken('api03', 60, '', seededRandom(4));
  const session = makeKey('sid01', seededRandom(5));
  const allowed = makeKey('api03', seededRandom(6));
  const repo = gitdir({
    'src/client.ts': `import Anthropic from '@anthropic-ai/sdk';\n\nconst client = new Anthropic({ apiKey: '${api}' });\n`,
    'config/prod.env': `# production\nANTHROPIC_ADMIN_API_KEY=${admin}\n`,
    'k8s/secret.yaml': `apiVersion: v1\nkind: Secret\ndata:\n  token: ${Buffer.from(oauth).toString('base64')}\n`,
    'docs/notes.md': `Old key, cut short in a paste: ${truncated}\n\nTest key: ${allowed} <!-- keyguard:allow -->\n`,
    'release/bundle.zip': zip([{ name: 'app/.env', data: `SESSION=${session}\n` }], { deflate: true }),
    '.env.example': 'ANTHROPIC_API_KEY=sk-ant-api03-your-key-here\n',
  });
  return { repo, keys: [api, admin, oauth, truncated, session, allowed] };
}

const normalise = (format: string, text: string) =>
  format === 'json' ? text.replace(/"durationMs": \d+/, '"durationMs": 0') : text.replace(/ in \d+ ms/, ' in 0 ms');

describe('golden reports', () => {
  const { repo, keys } = fixtureRepo();
  for (const [format, file] of [
    ['text', 'scan.txt'],
    ['json', 'scan.json'],
    ['sarif', 'scan.sarif'],
    ['github', 'scan.github.txt'],
  ] as const) {
    it(format, async () => {
      const result = await cli(['scan', '--format', format, '--fail-on', 'medium'], { cwd: repo });
      expect(result.exitCode).toBe(1);
      expectMasked(result, ...keys);
      const actual = normalise(format, result.stdout);
      const path = join(GOLDEN, file);
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) writeFileSync(path, actual);
      if (actual !== readFileSync(path, 'utf8')) writeFileSync(`${path}.actual`, actual);
      expect(actual).toBe(readFileSync(path, 'utf8'));
    });
  }
});
