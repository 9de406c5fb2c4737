import { relative, resolve, sep } from 'node:path';
import { scanBuffer } from '../../scan/content.js';
import { readSafely } from '../context.js';
import { type Check, type DoctorContext, pass } from '../types.js';

const ID = 'key-reused-across-envs';

/** Where environments keep keys that doctor can read without a network call: env files and dotenv stores. */
async function sources(ctx: DoctorContext): Promise<Array<{ label: string; data: Buffer }>> {
  const out: Array<{ label: string; data: Buffer }> = [];
  const seen = new Set<string>();
  for (const path of ctx.envFiles) {
    const data = await ctx.read(path);
    seen.add(resolve(ctx.root, path));
    if (data) out.push({ label: path, data });
  }
  for (const [name, env] of Object.entries(ctx.config.environments ?? {})) {
    if (env.store.type !== 'dotenv') continue;
    const file = resolve(ctx.configDir, env.store.path);
    if (seen.has(file)) continue;
    seen.add(file);
    const shown = relative(ctx.root, file).split(sep).join('/');
    // The store path comes from a config that may be committed: it is read like any repository file.
    const data = await readSafely(file, ctx.root, shown, ctx.warnings);
    if (data) out.push({ label: `${shown} (environment ${name})`, data });
  }
  return out;
}

/**
 * The same key in two environments: a leak of the dev key is then a leak of prod, and rotating
 * one rotates both. Keys are compared by fingerprint; output shows hints only.
 */
export const keyReusedAcrossEnvs: Check = {
  id: ID,
  async run(ctx) {
    const where = new Map<string, { hint: string; labels: Set<string> }>();
    for (const { label, data } of await sources(ctx)) {
      for (const f of scanBuffer(data, { path: label }).findings) {
        const entry = where.get(f.fingerprint) ?? { hint: f.hint, labels: new Set<string>() };
        entry.labels.add(label);
        where.set(f.fingerprint, entry);
      }
    }
    const reused = [...where.values()].filter((e) => e.labels.size > 1);
    if (reused.length === 0) return pass(ID, 'each environment has its own key');
    const paths = [...new Set(reused.flatMap((e) => [...e.labels]))].map((l) => l.replace(/ \(environment .*\)$/, ''));
    return {
      id: ID,
      status: 'warn',
      message: reused.map((e) => `${e.hint} is in ${[...e.labels].join(' and ')}`).join('; '),
      paths: [...new Set(paths)],
      fix: 'create a separate key for each environment in the Claude Console, then rotate it in (keyguard rotate --env NAME)',
    };
  },
};
