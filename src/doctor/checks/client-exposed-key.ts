import { join } from 'node:path';
import { parse } from 'dotenv';
import fg from 'fast-glob';
import { ALLOW_MARKER, scanBuffer } from '../../scan/content.js';
import { scanFile } from '../../scan/sources/files.js';
import { runGit } from '../../shared/git.js';
import { mapPool } from '../../shared/pool.js';
import { type Check, type DoctorContext, pass } from '../types.js';

const ID = 'client-exposed-key';

/** Prefixes frameworks inline into browser bundles (Next.js, Vite, CRA, Expo, SvelteKit/Astro, Nuxt, Gatsby). */
const BROWSER_PREFIX = /^(?:NEXT_PUBLIC|VITE|REACT_APP|EXPO_PUBLIC|PUBLIC|NUXT_PUBLIC|GATSBY)_/;
const BROWSER_VARIABLE =
  /\b(?:NEXT_PUBLIC|VITE|REACT_APP|EXPO_PUBLIC|PUBLIC|NUXT_PUBLIC|GATSBY)_[A-Z0-9_]*(?:ANTHROPIC|CLAUDE)[A-Z0-9_]*/;
const ALLOW_BROWSER = /dangerouslyAllowBrowser['"]?\s*:\s*true\b/;
const SOURCE = /\.(?:[cm]?[jt]sx?|vue|svelte|astro)$/;
const MAX_SOURCE_BYTES = 1024 * 1024;
/** Build output is ignored by git, so it is walked: these are what bundlers write. */
const BUILD_GLOBS = ['dist/**', 'build/**', '.next/**', 'out/**', '*/*/dist/**', '*/*/build/**', '*/*/.next/**'];
const BUILD_IGNORE = ['**/node_modules/**', '**/.next/cache/**', '**/*.{png,jpg,jpeg,gif,webp,ico,woff,woff2,ttf}'];

/** A browser-exposed variable in an env file that holds or points at an Anthropic key. */
function exposedVariables(text: string): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(parse(text))) {
    if (!BROWSER_PREFIX.test(name)) continue;
    const named = /ANTHROPIC|CLAUDE/.test(name) || /ANTHROPIC_API_KEY/.test(value);
    if (named || scanBuffer(Buffer.from(value), { path: name }).findings.length > 0) out.push(name);
  }
  return out;
}

/**
 * Bundler configs whose `define` / `env` blocks inline values into client code: Vite `define`,
 * Next.js `env`, webpack DefinePlugin. An Anthropic variable named there ships to the browser.
 */
const BUNDLER_CONFIG = /(?:^|\/)(?:vite|next|webpack|nuxt|astro|svelte|rollup)\.config\.[cm]?[jt]s$/;
const ANTHROPIC_NAME =
  /\b(?:process\.env\.|import\.meta\.env\.)?[A-Z0-9_]*(?:ANTHROPIC|CLAUDE)_[A-Z0-9_]*(?:KEY|TOKEN|SECRET)\b/;

/** What one line of source exposes (nothing when it says keyguard:allow). */
function lineProblems(line: string, path = ''): string[] {
  if (line.includes(ALLOW_MARKER)) return [];
  const out: string[] = [];
  const inlined = BUNDLER_CONFIG.test(path) ? ANTHROPIC_NAME.exec(line) : null;
  if (inlined) out.push(`${inlined[0]} in a bundler config (inlined into client code)`);
  if (line.includes('dangerouslyAllowBrowser') && ALLOW_BROWSER.test(line)) out.push('dangerouslyAllowBrowser');
  const variable = BROWSER_VARIABLE.exec(line);
  if (variable) out.push(variable[0]);
  return out;
}

/** Lines of a source file that ship a key to the browser, as `line: what`. */
function sourceProblems(text: string, path: string): string[] {
  return text.split('\n').flatMap((line, i) => lineProblems(line, path).map((what) => `${i + 1}: ${what}`));
}

const SOURCE_PATHSPECS = ['js', 'jsx', 'ts', 'tsx', 'mjs', 'cjs', 'mts', 'cts', 'vue', 'svelte', 'astro'].map(
  (e) => `*.${e}`,
);
/** A superset of what lineProblems looks for, in git grep's extended regex syntax. */
const GREP_PATTERN = 'dangerouslyAllowBrowser|ANTHROPIC|CLAUDE';

/**
 * Parse `git grep -z -n` output (`path\0line\0text\n`) into source problems. A pure function; the
 * exact rules (word boundaries, keyguard:allow) are applied here, git grep only narrows the lines.
 */
export function parseGrep(output: string): Array<{ path: string; what: string }> {
  const out: Array<{ path: string; what: string }> = [];
  for (const record of output.split('\n')) {
    const [path, line, ...rest] = record.split('\0');
    if (!path || !line) continue;
    for (const what of lineProblems(rest.join('\0'), path)) out.push({ path, what: `${path}:${line}: ${what}` });
  }
  return out;
}

/** Inside git: `git grep` over tracked and untracked-not-ignored source (threaded, no file reads in JS). */
async function grepSources(ctx: DoctorContext): Promise<Array<{ path: string; what: string }>> {
  const { stdout } = await runGit(
    ['grep', '-I', '-n', '-z', '--untracked', '-E', '-e', GREP_PATTERN, '--', ...SOURCE_PATHSPECS],
    { cwd: ctx.root, okCodes: [1] },
  );
  return parseGrep(stdout.toString('utf8'));
}

/** Outside git: read the walked source files, with a byte search before any line splitting. */
async function readSources(ctx: DoctorContext): Promise<Array<{ path: string; what: string }>> {
  const files = ctx.visible.filter((p) => SOURCE.test(p));
  const found = await mapPool(files, 16, async (path) => {
    const data = await ctx.read(path);
    if (!data || data.length > MAX_SOURCE_BYTES) return [];
    if (
      data.indexOf('dangerouslyAllowBrowser') === -1 &&
      data.indexOf('ANTHROPIC') === -1 &&
      data.indexOf('CLAUDE') === -1
    ) {
      return [];
    }
    return sourceProblems(data.toString('utf8'), path).map((p) => ({ path, what: `${path}:${p}` }));
  });
  return found.flat();
}

async function scanBuildOutput(ctx: DoctorContext): Promise<Array<{ path: string; what: string }>> {
  const files = await fg(BUILD_GLOBS, { cwd: ctx.root, dot: true, onlyFiles: true, ignore: BUILD_IGNORE });
  const found = await mapPool(files, 16, async (path) => {
    const result = await scanFile({ path, absolute: join(ctx.root, path) }, { path });
    return result.findings.map((f) => ({ path, what: `key in build output ${path}:${f.line} ${f.hint}` }));
  });
  return found.flat();
}

/**
 * A key the browser can see is public. Checks env files for browser-prefixed variables, source for
 * dangerouslyAllowBrowser set to true and browser-prefixed Anthropic variables, and build output
 * (dist/, build/, .next/, out/, ignored or not) for keys.
 */
export const clientExposedKey: Check = {
  id: ID,
  async run(ctx) {
    const problems: Array<{ path: string; what: string }> = [];
    for (const path of [...ctx.envFiles, ...ctx.templates]) {
      const data = await ctx.read(path);
      if (!data) continue;
      for (const name of exposedVariables(data.toString('utf8'))) problems.push({ path, what: `${path}: ${name}` });
    }
    const [sources, build] = await Promise.all([ctx.git ? grepSources(ctx) : readSources(ctx), scanBuildOutput(ctx)]);
    problems.push(...sources, ...build);
    if (problems.length === 0) return pass(ID, 'no Anthropic key is exposed to browsers');
    return {
      id: ID,
      status: 'fail',
      message: `exposed to the browser: ${problems.map((p) => p.what).join('; ')}`,
      paths: [...new Set(problems.map((p) => p.path))],
      fix: 'call the API from server code only, with the key in a server-side variable (ANTHROPIC_API_KEY); remove dangerouslyAllowBrowser; rebuild, and rotate any key that shipped',
    };
  },
};
