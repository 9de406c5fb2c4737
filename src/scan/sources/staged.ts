import { readObjects } from '../../shared/cat-file.js';
import { InputError } from '../../shared/errors.js';
import { findWorkTree, runGit } from '../../shared/git.js';

export interface StagedBlob {
  path: string;
  oid: string;
}

/**
 * Parse `git diff --cached --raw -z` output: `:<mode> <mode> <old> <new> <status>\0<path>\0` (two
 * paths for renames and copies). Only added, copied, modified and renamed files; a pure function.
 */
export function parseStagedRaw(raw: string): StagedBlob[] {
  const fields = raw.split('\0');
  const blobs: StagedBlob[] = [];
  for (let i = 0; i < fields.length; i++) {
    const meta = fields[i]!;
    if (!meta.startsWith(':')) continue;
    const [, newMode, , newOid, status] = meta.slice(1).split(' ');
    const letter = status?.[0];
    const twoPaths = letter === 'R' || letter === 'C';
    const path = fields[twoPaths ? i + 2 : i + 1]!;
    i += twoPaths ? 2 : 1;
    // 160000 is a submodule (a commit, not a blob); 120000 a symbolic link (its target text).
    if (!letter || !'ACMR'.includes(letter) || newMode === '160000') continue;
    blobs.push({ path, oid: newOid! });
  }
  return blobs;
}

/**
 * What is staged: the blobs in the index for every added/copied/modified/renamed path, limited to
 * `paths` when given (relative to cwd, as the pre-commit framework passes file names).
 */
export async function listStaged(
  cwd: string,
  paths: string[] = [],
  workTree?: string | null,
): Promise<{ root: string; blobs: StagedBlob[] }> {
  const root = workTree === undefined ? await findWorkTree(cwd) : (workTree ?? undefined);
  if (!root) throw new InputError('--staged needs a git work tree, and this is not one.');
  // Run from cwd so pathspecs mean what the user typed; git still prints paths from the root.
  const { stdout } = await runGit(
    ['diff', '--cached', '--raw', '-z', '--no-abbrev', '--no-renames', '--diff-filter=ACMR', '--', ...paths],
    { cwd },
  );
  return { root, blobs: parseStagedRaw(stdout.toString('utf8')) };
}

/** Staged contents, read from the object store (not the working copy). */
export async function* readStaged(root: string, blobs: StagedBlob[]): AsyncGenerator<{ path: string; data: Buffer }> {
  const byOid = new Map<string, string[]>();
  for (const blob of blobs) byOid.set(blob.oid, [...(byOid.get(blob.oid) ?? []), blob.path]);
  for await (const object of readObjects(root, [...byOid.keys()])) {
    if (!object.data) continue;
    for (const path of byOid.get(object.oid) ?? []) yield { path, data: object.data };
  }
}
