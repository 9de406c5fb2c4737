import { CONFIG_FILE } from '../../config/loader.js';
import { lazyCrypto } from '../../key/fingerprint.js';
import { RULES } from '../../key/rules.js';
import { gitText } from '../../shared/git.js';
import type { Finding } from '../finding.js';

/**
 * `scan --range` (a pull request) may change what keyguard looks at: its config, its baseline, a
 * `keyguard:allow` comment. Each such change is reported as a keyguard-config-weakened finding of its
 * own, outside every exclude, baseline and allow, so a reviewer sees it beside the scan it affects.
 */
export interface WeakeningOptions {
  cwd: string;
  range: string;
  /** Baseline paths relative to the repository root (the configured one and the default). */
  baselines: string[];
}

const ALLOW = 'keyguard:allow';
const COMMIT_MARK = '\x01';
const FORMAT = `--format=${COMMIT_MARK}%H%x02%an <%ae>%x02%aI`;
/** No program from the repository's config runs for a diff: no external diff, no textconv, no colour. */
const DIFF_FLAGS = ['-p', '-U0', '--no-ext-diff', '--no-textconv', '--no-color', '--no-renames', FORMAT];

/**
 * The changes, or a warning when git cannot diff the range (a partial clone lacks the blobs; no
 * fetch is ever made): the scan still reports its findings, and says this check did not run.
 */
export async function rangeWeakenings(options: WeakeningOptions): Promise<{ findings: Finding[]; warning?: string }> {
  try {
    return { findings: await findWeakenings(options) };
  } catch (error) {
    return {
      findings: [],
      warning: `could not check the range for config, baseline or keyguard:allow changes (${(error as Error).message}).`,
    };
  }
}

async function findWeakenings(options: WeakeningOptions): Promise<Finding[]> {
  // Pathspecs from the top, whatever folder keyguard runs in; patch paths are from the top too.
  const files = [`:(top,glob)**/${CONFIG_FILE}`, ...options.baselines.map((b) => `:(top,literal)${b}`)];
  const [settings, allows] = await Promise.all([
    gitText(['log', ...DIFF_FLAGS, options.range, '--', ...files], { cwd: options.cwd }),
    gitText(['log', ...DIFF_FLAGS, `-G${ALLOW}`, options.range, '--'], { cwd: options.cwd }),
  ]);
  const baselines = new Set(options.baselines);
  const found = new Map<string, Finding>();
  for (const change of parsePatchLog(settings)) {
    const isBaseline = baselines.has(change.path);
    const picked = isBaseline
      ? change.added.filter((a) => /[0-9a-f]{64}/.test(a.text))
      : change.added.filter((a) => /[^\s{}[\],]/.test(a.text)).slice(0, 1);
    const what = isBaseline ? 'baseline entry added' : `${CONFIG_FILE} changed`;
    for (const at of picked.length ? picked : [{ line: change.start, text: '' }]) add(found, change, at, what);
  }
  for (const change of parsePatchLog(allows)) {
    for (const at of change.added) if (at.text.includes(ALLOW)) add(found, change, at, `${ALLOW} added`);
  }
  return [...found.values()];
}

function add(found: Map<string, Finding>, change: Hunk, at: { line: number; text: string }, what: string): void {
  const key = `${change.commit}\0${change.path}\0${at.line}`;
  if (found.has(key)) return;
  found.set(key, {
    rule: RULES.configWeakened.id,
    severity: RULES.configWeakened.severity,
    // Identity of the change, not of a key: the same edit keeps its fingerprint across rebases.
    fingerprint: lazyCrypto()
      .createHash('sha256')
      .update(`${RULES.configWeakened.id}\0${change.path}\0${at.text}`)
      .digest('hex'),
    hint: what,
    path: change.path,
    line: Math.max(at.line, 1),
    column: 1,
    commit: change.commit,
    author: change.author,
    date: change.date,
    reachability: [],
    verification: null,
  });
}

export interface Hunk {
  commit: string;
  author: string;
  date: string;
  path: string;
  /** First line of the hunk in the new file. */
  start: number;
  added: { line: number; text: string }[];
}

/** Parse `git log -p -U0` output with our FORMAT line into hunks. Pure, tested on raw text. */
export function parsePatchLog(text: string): Hunk[] {
  const hunks: Hunk[] = [];
  let commit = { commit: '', author: '', date: '' };
  let oldPath = '';
  let path = '';
  let current: Hunk | undefined;
  let line = 0;
  for (const raw of text.split('\n')) {
    if (raw.startsWith(COMMIT_MARK)) {
      const [hash = '', author = '', date = ''] = raw.slice(1).split('\x02');
      commit = { commit: hash, author, date };
      current = undefined;
    } else if (raw.startsWith('--- ')) {
      oldPath = headerPath(raw.slice(4), 'a/');
      current = undefined;
    } else if (raw.startsWith('+++ ')) {
      const target = raw.slice(4);
      path = target === '/dev/null' ? oldPath : headerPath(target, 'b/');
    } else if (raw.startsWith('@@ ')) {
      const match = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(raw);
      if (!match) continue;
      line = Number(match[1]);
      // A deletion-only hunk (+c,0) sits after line c of the new file.
      const start = match[2] === '0' ? line + 1 : line;
      current = { ...commit, path, start, added: [] };
      hunks.push(current);
    } else if (current && raw.startsWith('+')) {
      current.added.push({ line, text: raw.slice(1) });
      line++;
    }
  }
  return hunks;
}

/** A patch header path: `b/src/x`, or C-quoted `"b/odd\\nname"` when it holds special characters. */
function headerPath(text: string, prefix: string): string {
  const unquoted = text.startsWith('"') ? unquote(text) : text.replace(/\t$/, '');
  return unquoted.startsWith(prefix) ? unquoted.slice(prefix.length) : unquoted;
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '"': '"',
  '\\': '\\',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

function unquote(text: string): string {
  const bytes: number[] = [];
  const body = text.slice(1, text.lastIndexOf('"'));
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = body[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(Number.parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(...Buffer.from(ESCAPES[next] ?? next, 'utf8'));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
