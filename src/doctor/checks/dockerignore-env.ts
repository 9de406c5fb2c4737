import { join, posix } from 'node:path';
import { writeRepoFile } from '../../shared/repo-files.js';
import { readSafely } from '../context.js';
import { dockerExcludes } from '../dockerignore.js';
import { type Check, type DoctorContext, pass } from '../types.js';

const ID = 'dockerignore-env';
const EXPECTED = ['.env', '.env.local', '.env.production'];
/** What --fix appends: every env file at any depth of the build context. */
const ENTRIES = ['**/.env', '**/.env.*', '**/*.env'];

interface Gap {
  context: string;
  paths: string[];
}

/** Build contexts: the folder of each Dockerfile (where `docker build .` is usually run). */
function contexts(ctx: DoctorContext): string[] {
  return [...new Set(ctx.dockerfiles.map((p) => posix.dirname(p)))].sort();
}

async function gaps(ctx: DoctorContext): Promise<Gap[]> {
  const out: Gap[] = [];
  for (const context of contexts(ctx)) {
    const prefix = context === '.' ? '' : `${context}/`;
    const file = join(ctx.root, prefix, '.dockerignore');
    const text = (await readSafely(file, ctx.root, `${prefix}.dockerignore`, ctx.warnings))?.toString('utf8') ?? '';
    const excluded = dockerExcludes(text);
    const inside = ctx.envFiles.filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
    const candidates = [...new Set([...EXPECTED, ...inside])];
    const open = candidates.filter((p) => !excluded(p));
    if (open.length) out.push({ context, paths: open.map((p) => prefix + p) });
  }
  return out;
}

/** `COPY . .` sends whatever the build context holds into the image, env files included. */
export const dockerignoreEnv: Check = {
  id: ID,
  async run(ctx) {
    if (ctx.dockerfiles.length === 0) return pass(ID, 'no Dockerfile');
    const found = await gaps(ctx);
    if (found.length === 0) return pass(ID, 'env files are kept out of the Docker build context');
    const files = found.map((g) => (g.context === '.' ? '.dockerignore' : `${g.context}/.dockerignore`));
    return {
      id: ID,
      status: 'warn',
      message: `not excluded from the Docker build context: ${found.flatMap((g) => g.paths).join(', ')}`,
      paths: found.flatMap((g) => g.paths),
      fix: `add ${ENTRIES.join(' ')} to ${files.join(', ')} (keyguard doctor --fix does this)`,
    };
  },
  async fix(ctx) {
    const changes: string[] = [];
    for (const { context } of await gaps(ctx)) {
      const file = join(ctx.root, context, '.dockerignore');
      const shown = `${context === '.' ? '' : `${context}/`}.dockerignore`;
      const text = (await readSafely(file, ctx.root, shown, ctx.warnings))?.toString('utf8') ?? '';
      const present = new Set(text.split(/\r?\n/).map((l) => l.trim()));
      const wanted = ENTRIES.filter((e) => !present.has(e));
      if (wanted.length === 0) continue;
      const separator = text === '' || text.endsWith('\n') ? '' : '\n';
      await writeRepoFile(file, `${text}${separator}${wanted.join('\n')}\n`, { root: ctx.root, shown });
      changes.push(`${context === '.' ? '' : `${context}/`}.dockerignore: added ${wanted.join(', ')}`);
    }
    return changes;
  },
};
