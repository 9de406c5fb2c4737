import { posix } from 'node:path';
import picomatch from 'picomatch';

/**
 * .dockerignore rules as Docker applies them: patterns are anchored at the build context root,
 * `**` spans any number of folders, a pattern that matches a folder excludes what is inside it,
 * `!` re-includes, and the last matching line wins. A pure function.
 */
export function parseDockerignore(text: string): Array<{ negate: boolean; match: (path: string) => boolean }> {
  const rules: Array<{ negate: boolean; match: (path: string) => boolean }> = [];
  for (const raw of text.split(/\r?\n/)) {
    let pattern = raw.trim();
    if (!pattern || pattern.startsWith('#')) continue;
    const negate = pattern.startsWith('!');
    if (negate) pattern = pattern.slice(1).trim();
    pattern = posix.normalize(pattern).replace(/^\/+/, '').replace(/\/+$/, '');
    if (!pattern || pattern === '.') continue;
    rules.push({ negate, match: picomatch(pattern, { dot: true }) });
  }
  return rules;
}

export function dockerExcludes(text: string): (path: string) => boolean {
  const rules = parseDockerignore(text);
  return (path) => {
    const parts = path.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) if (prefixes.some((p) => rule.match(p))) excluded = !rule.negate;
    return excluded;
  };
}
