import type { AuditFormat } from '../../audit/sinks/sink.js';
import { checkEnvironment } from '../../config/trust.js';
import type { EnvironmentConfig, LoadedConfig } from '../../config/types.js';
import type { RotationDeps } from '../../rotate/engine.js';
import { UsageError } from '../../shared/errors.js';
import { type Command, Option } from '../commander.js';
import { emitReport, parseIntOption } from '../common.js';
import { loadCommandConfig, TRUST_CONFIG_HELP } from '../config.js';
import type { CommandContext } from '../io.js';

interface RotateFlags {
  env?: string;
  newKeyStdin?: boolean;
  newKeyEnv?: string;
  newKeyFile?: string;
  dryRun?: boolean;
  resume?: boolean;
  finish?: boolean;
  deactivateOld?: boolean;
  archiveOld?: boolean;
  auditStdout?: boolean;
  auditFormat?: AuditFormat;
  format: 'text' | 'json';
  config?: string;
  trustConfig?: boolean;
  timeout: number;
  quiet?: boolean;
}

interface StatusFlags {
  format: 'text' | 'json';
  config?: string;
  trustConfig?: boolean;
  output?: string;
  fingerprint?: string;
}

const EXAMPLES = `
Examples:
  $ pbpaste | keyguard rotate --env prod          new key on stdin (create it in the Console first)
  $ keyguard rotate --env prod --new-key-env NEW_ANTHROPIC_KEY
  $ keyguard rotate --env prod --new-key-file new.key --dry-run   read and verify only
  $ keyguard rotate --env prod --resume --new-key-file new.key    continue an interrupted rotation
  $ keyguard rotate --env prod --finish           after the overlap: set the old key inactive
  $ keyguard rotate status --format json          key age of every environment

Exit codes:
  0  rotated (or --dry-run / --finish done)
  2  usage or config error, lock held by another run, nothing to resume
  3  new key rejected (malformed, same as the old, 401/403, other workspace)
  4  transient errors (429, 529, 5xx, network) after bounded retries; nothing changed
  5  store write failed; the store still serves the old key
  6  promoted, then rolled back to the old key
  7  rollback failed: manual steps are printed
`;

const STATUS_EXAMPLES = `
Examples:
  $ keyguard rotate status
  $ keyguard rotate status --format json
  $ keyguard rotate status --fingerprint <sha256>   which environments hold this key

Exit codes:
  0  every key is within its policy (maxAgeDays; defaults prod 30, staging 60, dev 90, else 90)
  1  at least one key is overdue
  2  error, or a store could not be read
`;

export function registerRotate(program: Command, ctx: CommandContext): void {
  const rotate = program
    .command('rotate')
    .description('rotate the key of one environment through its secrets store')
    .enablePositionalOptions()
    .option('-e, --env <name>', 'environment to rotate (a key of "environments" in the config)')
    .option('--new-key-stdin', 'read the new key from standard input (also when stdin is piped)')
    .option('--new-key-env <var>', 'read the new key from this environment variable')
    .option('--new-key-file <file>', 'read the new key from a file only you can read (chmod 600)')
    .option('--dry-run', 'read and verify, write nothing')
    .option('--resume', 'continue the interrupted rotation of this environment')
    .option('--finish', 'end the overlap: set the old key inactive (needs an Admin API key)')
    .option('--deactivate-old', 'set the old key inactive in the same run, right after success')
    .option('--archive-old', 'with --finish/--deactivate-old: archive instead (irreversible)')
    .option('--audit-stdout', 'also print each audit event as a JSON line on stdout')
    .addOption(new Option('--audit-format <format>', 'format of events sent to sinks').choices(['keyguard', 'ocsf']))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-c, --config <file>', 'config file (default: keyguard.config.json)')
    .option('--trust-config', TRUST_CONFIG_HELP)
    .option('--timeout <ms>', 'timeout of one store call', parseIntOption('--timeout'), 30_000)
    .option('-q, --quiet', 'no progress lines on stderr')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: RotateFlags) => {
      await runRotate(ctx, flags);
    });
  rotate
    .command('status')
    .description("age of every environment's key against its policy")
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-c, --config <file>', 'config file (default: keyguard.config.json)')
    .option('--trust-config', TRUST_CONFIG_HELP)
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--fingerprint <sha256>', 'mark the environments whose store holds this key')
    .addHelpText('after', STATUS_EXAMPLES)
    .action(async (flags: StatusFlags) => {
      ctx.setExitCode(await runStatus(ctx, flags));
    });
}

function environmentOf(loaded: LoadedConfig, name: string | undefined): EnvironmentConfig {
  const environments = loaded.config.environments ?? {};
  const names = Object.keys(environments);
  if (!name) throw new UsageError(`say which environment to rotate: --env ${names.length ? names.join('|') : 'NAME'}.`);
  // The name becomes a file name under .keyguard/state/.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new UsageError(`environment names are letters, digits, ".", "_" and "-": got "${name}".`);
  }
  const env = environments[name];
  if (!env) {
    throw new UsageError(
      names.length
        ? `no environment "${name}" in ${loaded.file ?? 'the config'} (known: ${names.join(', ')}).`
        : `no environments in ${loaded.file ?? 'keyguard.config.json'}: add "environments": { "${name}": { "store": { … } } }.`,
    );
  }
  return env;
}

async function runRotate(ctx: CommandContext, flags: RotateFlags): Promise<void> {
  if (flags.finish && (flags.dryRun || flags.resume))
    throw new UsageError('--finish cannot be combined with --dry-run or --resume.');
  if (flags.archiveOld && !flags.finish && !flags.deactivateOld) {
    throw new UsageError('--archive-old goes with --finish or --deactivate-old.');
  }
  const loaded = await loadCommandConfig(ctx, flags, ['anthropic', 'audit']);
  const env = environmentOf(loaded, flags.env);
  checkEnvironment(loaded, flags.env!, env);
  const name = flags.env!;
  const { stateDir } = await import('../../rotate/state.js');
  const { openAuditTrail } = await import('../../audit/open-trail.js');
  const { connectRotation } = await import('../../rotate/connect.js');
  const dir = stateDir(loaded.dir);
  const log = flags.quiet ? () => {} : (line: string) => ctx.err(`${line}\n`);
  const trail = openAuditTrail(loaded, {
    env: ctx.io.env,
    ...(flags.auditStdout ? { stdout: (line: string) => ctx.out(line) } : {}),
    ...(flags.auditFormat ? { format: flags.auditFormat } : {}),
  });
  const connect = async () => ({
    ...(await connectRotation(loaded, env.store, { env: ctx.io.env, timeoutMs: flags.timeout })),
    trail,
    stateDir: dir,
    log,
    ...(ctx.io.stop ? { stop: ctx.io.stop } : {}),
  });
  try {
    if (flags.finish) {
      await runFinish(ctx, { flags, name, deps: await connect() });
      return;
    }
    const { readNewKey, CREATE_KEY_HINT } = await import('../key-input.js');
    const newKey = await readNewKey(ctx.io, { stdin: flags.newKeyStdin, env: flags.newKeyEnv, file: flags.newKeyFile });
    if (!newKey) throw new UsageError(`no new key given. ${CREATE_KEY_HINT}`);
    const deps = await connect();
    if (!deps.admin) log(`(no ${deps.adminKeyEnv}: the old key's Console id and the workspace are not checked)`);
    const { rotate } = await import('../../rotate/engine.js');
    const result = await rotate(
      {
        environment: name,
        newKey,
        ...(env.workspaceId ? { workspaceId: env.workspaceId } : {}),
        dryRun: Boolean(flags.dryRun),
        resume: Boolean(flags.resume),
        deactivateOld: Boolean(flags.deactivateOld),
        archiveOld: Boolean(flags.archiveOld),
      },
      deps,
    );
    if (flags.format === 'json') {
      ctx.out(
        `${JSON.stringify({ version: 1, ...result, audit: { file: trail.file, events: trail.events.length } }, null, 2)}\n`,
      );
      return;
    }
    const lines = result.dryRun
      ? [
          `dry run of ${name}: the new key ${result.newKey.hint} would replace ${result.oldKey.hint} in ${result.store.type} ${result.store.locator}.`,
          'nothing was written.',
        ]
      : [
          `rotated ${name}: ${result.oldKey.hint} → ${result.newKey.hint}`,
          `  store     ${result.store.type} ${result.store.locator} (version ${result.store.versionId ?? '-'})`,
          `  rotation  ${result.rotationId}`,
          `  audit     ${trail.events.length} events in ${trail.file}`,
          result.oldKeyStatus
            ? `  old key   ${result.oldKey.apiKeyId ?? result.oldKey.hint} is now ${result.oldKeyStatus}`
            : `  old key   ${result.oldKey.apiKeyId ?? result.oldKey.hint} stays active for the overlap; once every consumer reads the new key:\n            keyguard rotate --env ${name} --finish`,
        ];
    ctx.out(`${lines.join('\n')}\n`);
  } finally {
    for (const warning of trail.warnings) ctx.err(`keyguard: warning: ${warning}\n`);
  }
}

async function runFinish(
  ctx: CommandContext,
  input: { flags: RotateFlags; name: string; deps: RotationDeps },
): Promise<void> {
  const { flags, name, deps } = input;
  const { finishRotation } = await import('../../rotate/finish.js');
  const { state, status } = await finishRotation({ environment: name, archive: Boolean(flags.archiveOld) }, deps);
  if (flags.format === 'json') {
    ctx.out(
      `${JSON.stringify({ version: 1, environment: name, rotationId: state.rotationId, oldKey: state.oldKey, oldKeyStatus: status }, null, 2)}\n`,
    );
    return;
  }
  ctx.out(`finished ${name}: the old key ${state.oldKey.hint} is now ${status}; ${state.newKey.hint} is in use.\n`);
}

async function runStatus(ctx: CommandContext, flags: StatusFlags): Promise<number> {
  const loaded = await loadCommandConfig(ctx, flags, ['anthropic']);
  const { openStore } = await import('../../rotate/stores/index.js');
  const { environmentStatus, formatStatusText } = await import('../../rotate/status.js');
  const { readEvents } = await import('../../audit/chain.js');
  const { auditFile } = await import('../../audit/open-trail.js');
  const { connectAnthropic } = await import('../../rotate/connect.js');
  const { isFingerprint } = await import('../../key/fingerprint.js');
  if (flags.fingerprint && !isFingerprint(flags.fingerprint)) {
    throw new UsageError('--fingerprint takes the 64-character lowercase hex SHA-256 of a key.');
  }
  const environments = loaded.config.environments ?? {};
  const anthropic = Object.keys(environments).length ? await connectAnthropic(loaded.config, ctx.io.env) : undefined;
  const events = await readEvents(auditFile(loaded));
  const rows = [];
  for (const [name, env] of Object.entries(environments)) {
    rows.push(
      await environmentStatus(name, env, {
        openStore: async (e) => {
          checkEnvironment(loaded, name, e);
          return openStore(e.store, { env: ctx.io.env, configDir: loaded.dir, timeoutMs: 30_000 });
        },
        ...(anthropic?.admin ? { admin: anthropic.admin } : {}),
        events,
      }),
    );
  }
  const holders = flags.fingerprint
    ? rows.filter((r) => r.key?.fingerprint === flags.fingerprint).map((r) => r.name)
    : undefined;
  let text: string;
  if (flags.format === 'json') {
    text = `${JSON.stringify({ version: 1, environments: rows, ...(holders ? { holders } : {}) }, null, 2)}\n`;
  } else {
    text = formatStatusText(rows);
    if (holders) {
      text += holders.length
        ? `the key ${flags.fingerprint!.slice(0, 12)}… is in: ${holders.join(', ')} (rotate each: keyguard rotate --env NAME)\n`
        : `no environment's store holds the key ${flags.fingerprint!.slice(0, 12)}…\n`;
    }
  }
  await emitReport(ctx, text, flags.output);
  if (rows.some((r) => r.overdue)) return 1;
  // A store that cannot be read must not pass the schedule check silently.
  return rows.some((r) => !r.key) ? 2 : 0;
}
