// Deterministic synthetic repository for the history bench, written through `git fast-import`:
// commits on main that edit source-like files (runs of edits to one file, so git deltifies them),
// feature branches merged back, tags, one very large blob, and a few keys hidden where scanners
// miss them. Keys are generated at run time from a seeded PRNG: never literal.
import { spawn } from 'node:child_process';
import { makeKey, seededRandom } from '../dist/scan/detect/keygen.js';

const WORDS =
  'const let return function import export from await async value result config client request response error data items index count total user model message content stream token retry timeout options handler'.split(
    ' ',
  );

export const SHAPE = { commits: 20_000, files: 300, bigBlobMB: 200, featureEvery: 400, featureCommits: 12 };

/** Build the repository in `dir` (an empty, initialised repo). Returns the keys hidden in it. */
export async function generateRepo(dir, env) {
  const rnd = seededRandom(20260101);
  const pick = (n) => Math.floor(rnd() * n);
  const word = () => WORDS[pick(WORDS.length)];
  const line = () => {
    const indent = '  '.repeat(pick(4));
    return `${indent}${word()} ${word()}_${word()} = ${word()}(${word()}, ${pick(100000)}); // ${word()} ${word()}`;
  };
  const fileLines = (n) => Array.from({ length: n }, line);

  const child = spawn('git', ['fast-import', '--quiet', '--done'], {
    cwd: dir,
    env,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  const exited = new Promise((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}`)))),
  );
  const out = child.stdin;
  const write = async (text) => {
    if (!out.write(text)) await new Promise((r) => out.once('drain', r));
  };

  let mark = 0;
  let time = 1_577_836_800; // 2020-01-01
  const blob = async (content) => {
    mark++;
    const data = Buffer.from(content);
    await write(`blob\nmark :${mark}\ndata ${data.length}\n`);
    await write(data);
    await write('\n');
    return mark;
  };
  const commit = async (ref, message, parent, changes, mergeFrom) => {
    const blobs = [];
    for (const [path, content] of changes) blobs.push([path, content === null ? null : await blob(content)]);
    mark++;
    time += 1800 + pick(3600);
    const who = [
      'Ada Lovelace <ada@example.com>',
      'Alan Turing <alan@example.com>',
      'Grace Hopper <grace@example.com>',
    ][pick(3)];
    let text = `commit ${ref}\nmark :${mark}\nauthor ${who} ${time} +0000\ncommitter ${who} ${time} +0000\n`;
    text += `data ${Buffer.byteLength(message)}\n${message}\n`;
    if (parent) text += `from :${parent}\n`;
    if (mergeFrom) text += `merge :${mergeFrom}\n`;
    for (const [path, m] of blobs) text += m === null ? `D ${path}\n` : `M 100644 :${m} ${path}\n`;
    await write(`${text}\n`);
    return mark;
  };

  const keys = {};
  const files = Array.from({ length: SHAPE.files }, (_, i) => ({
    path: `src/module-${String(i).padStart(3, '0')}/file-${i}.ts`,
    lines: fileLines(100 + pick(1400)),
  }));
  let head = await commit(
    'refs/heads/main',
    'initial import',
    undefined,
    files.map((f) => [f.path, f.lines.join('\n')]),
  );
  let current = 0;
  let feature = 0;
  const edit = (f) => {
    const lines = f.lines.slice();
    for (let k = 0; k < 1 + pick(4); k++) lines[pick(lines.length)] = line();
    if (rnd() < 0.5) lines.splice(pick(lines.length), 0, line(), line());
    if (rnd() < 0.4 && lines.length > 50) lines.splice(pick(lines.length), 1);
    f.lines = lines;
    return [f.path, lines.join('\n')];
  };

  for (let i = 1; i < SHAPE.commits; i++) {
    // Runs of edits to one file, as people do; git stores them as deltas.
    if (rnd() < 0.3) current = pick(files.length);
    const changes = [edit(files[current])];
    if (rnd() < 0.3) changes.push(edit(files[pick(files.length)]));

    if (i === 3_000) {
      keys.removedLine = makeKey('api03', rnd);
      const f = files[7];
      const withKey = f.lines.slice();
      withKey.splice(10, 0, `const apiKey = "${keys.removedLine}";`);
      head = await commit('refs/heads/main', 'try the client', head, [[f.path, withKey.join('\n')]]);
      // The next commit writes the file without the key line: only history has it.
      if (!changes.some(([path]) => path === f.path)) changes.push([f.path, f.lines.join('\n')]);
    }
    if (i === 9_000) {
      keys.base64Secret = makeKey('admin01', rnd);
      const manifest = `apiVersion: v1\nkind: Secret\ndata:\n  key: ${Buffer.from(keys.base64Secret).toString('base64')}\n`;
      head = await commit('refs/heads/main', 'deploy manifests', head, [['deploy/secret.yaml', manifest]]);
      changes.push(['deploy/secret.yaml', null]);
    }
    if (i === SHAPE.commits - 500) {
      keys.bigBlob = makeKey('api03', rnd);
      const chunk = `${fileLines(2000).join('\n')}\n`;
      const parts = [];
      let size = 0;
      while (size < SHAPE.bigBlobMB * 1048576) {
        parts.push(chunk);
        size += chunk.length;
      }
      parts.splice(Math.floor(parts.length * 0.7), 0, `ANTHROPIC_API_KEY=${keys.bigBlob}\n`);
      head = await commit('refs/heads/main', 'add fixture dump', head, [['data/dump.sql', parts.join('')]]);
    }
    head = await commit('refs/heads/main', `change ${i}`, head, changes);

    if (i % SHAPE.featureEvery === 0) {
      feature++;
      const keep = feature % 10 === 0;
      const ref = keep ? `refs/heads/feature/${feature}` : `refs/bench-tmp/feature-${feature}`;
      const path = `features/feature-${feature}.ts`;
      let lines = fileLines(200);
      let tip = await commit(ref, `start feature ${feature}`, head, [[path, lines.join('\n')]]);
      for (let k = 1; k < SHAPE.featureCommits; k++) {
        lines = lines.slice();
        lines[pick(lines.length)] = line();
        tip = await commit(ref, `feature ${feature} step ${k}`, tip, [[path, lines.join('\n')]]);
      }
      const mergeChanges = [[path, lines.join('\n')]];
      if (feature === 7) {
        // A key that exists only in the merge commit: a conflict resolution gone wrong.
        keys.mergeResolution = makeKey('api03', rnd);
        mergeChanges.push([`features/resolved-${feature}.env`, `ANTHROPIC_API_KEY=${keys.mergeResolution}\n`]);
      }
      head = await commit('refs/heads/main', `Merge feature ${feature}`, head, mergeChanges, tip);
      if (feature === 12) {
        // A release tag on a branch that was later deleted: the key lives on only through the tag.
        keys.tagOnly = makeKey('api03', rnd);
        const t = await commit(`refs/bench-tmp/hotfix`, 'hotfix with debug key', tip, [
          ['hotfix.env', `ANTHROPIC_API_KEY=${keys.tagOnly}\n`],
        ]);
        await write(`reset refs/tags/hotfix-1\nfrom :${t}\n\n`);
      }
    }
    if (i % 1000 === 0) await write(`reset refs/tags/v0.${i / 1000}.0\nfrom :${head}\n\n`);
  }
  await write('done\n');
  out.end();
  await exited;
  return keys;
}
