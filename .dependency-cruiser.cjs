/**
 * keyguard's layers, checked by `npm run lint:deps` (part of `npm test`):
 *
 *   key  ←  shared  ←  config  ←  anthropic, audit  ←  scan, hook, check, rotate  ←  doctor, init  ←  cli
 *
 * A folder may import its own layer and those to its left, nothing to its right. src/key/ (the key's
 * shape, matcher, fingerprint, scrubber) imports nothing of ours. Only src/cli/ touches the process
 * and the terminal. `scan` never loads rotation, the audit trail or a cloud SDK.
 */
const layer = (name, allowed) => ({
  name: `layer-${name}`,
  comment: `src/${name}/ may import only ${allowed.length ? allowed.join(', ') : 'itself'} (and itself)`,
  severity: 'error',
  from: { path: `^src/${name}/` },
  to: { path: '^src/', pathNot: [`^src/${name}/`, ...allowed.map((a) => `^src/${a}/`)] },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    layer('key', []),
    layer('shared', ['key']),
    layer('config', ['key', 'shared']),
    layer('anthropic', ['key', 'shared', 'config']),
    layer('audit', ['key', 'shared', 'config']),
    layer('scan', ['key', 'shared', 'config', 'anthropic']),
    layer('hook', ['key', 'shared', 'config']),
    layer('check', ['key', 'shared', 'config', 'anthropic']),
    layer('rotate', ['key', 'shared', 'config', 'anthropic', 'audit']),
    layer('doctor', ['key', 'shared', 'config', 'scan', 'hook']),
    layer('init', ['key', 'shared', 'config', 'doctor', 'hook']),
    {
      name: 'terminal-only-in-cli',
      comment: 'Only src/cli/ reads the terminal or controls the process (STYLE: one process boundary).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^(node:)?(process|readline|readline/promises|tty)$', dependencyTypes: ['core'] },
    },
    {
      name: 'scan-loads-no-sdk',
      comment: 'scan must start fast and never pay for a cloud or Anthropic SDK.',
      severity: 'error',
      from: { path: '^src/scan/' },
      to: { path: '@aws-sdk|@google-cloud|@azure|@anthropic-ai|@grpc' },
    },
    {
      name: 'no-dev-dependencies-in-src',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], pathNot: '@aws-sdk|@google-cloud|@azure|@anthropic-ai|@grpc' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
