import { join } from 'node:path';
import { parse } from 'dotenv';
import fg from 'fast-glob';
import { ALLOW_MARKER, scanBuffer } from '../../scan/content.js';
import { mapPool } from '../../scan/pool.js';
import { scanFile } from '../../scan/sources/files.js';
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

/** Lines of source that ship a key to the browser, skipping lines marked keyguard:allow. */
function sourceProblems(text: string): string[] {
  const out: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.includes(ALLOW_MARKER)) continue;
    if (line.includes('dangerouslyAllowBrowser') && ALLOW_BROWSER.test(line))
      out.push(`${i + 1}: dangerouslyAllowBrowser`);
    const variable = BROWSER_VARIABLE.exec(line);
    if (variable) out.push(`${i + 1}: ${variable[0]}`);
  }
  return out;
}

async function scanSources(ctx: DoctorContext): Promise<string[]> {
  const files = ctx.visible.filter((p) => SOURCE.test(p));
  const found = await mapPool(files, 16, async (path) => {
    const data = await ctx.read(path);
    if (!data || data.length > MAX_SOURCE_BYTES) return [];
    // Cheap test first: almost no file mentions either, and most files are never split into lines.
    const text = data.toString('latin1');
    if (!text.includes('dangerouslyAllowBrowser') && !/ANTHROPIC|CLAUDE/.test(text)) return [];
    return sourceProblems(data.toString('utf8')).map((p) => `${path}:${p}`);
  });
  return found.flat();
}

async function scanBuildOutput(ctx: DoctorContext): Promise<string[]> {
  const files = await fg(BUILD_GLOBS, { cwd: ctx.root, dot: true, onlyFiles: true, ignore: BUILD_IGNORE });
  const found = await mapPool(files, 16, async (path) => {
    const result = await scanFile({ path, absolute: join(ctx.root, path) }, { path });
    return result.findings.map((f) => `${path}:${f.line} ${f.hint}`);
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
    const [sources, build] = await Promise.all([scanSources(ctx), scanBuildOutput(ctx)]);
    for (const what of sources) problems.push({ path: what.slice(0, what.indexOf(':')), what });
    for (const what of build)
      problems.push({ path: what.slice(0, what.lastIndexOf(':')), what: `key in build output ${what}` });
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
