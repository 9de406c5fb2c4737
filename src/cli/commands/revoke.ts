import type { Command } from 'commander';
import { UsageError } from '../../shared/errors.js';
import { loadCommandConfig, TRUST_CONFIG_HELP } from '../config.js';
import { type CommandContext, readStdin } from '../io.js';

interface RevokeFlags {
  keyStdin?: boolean;
  keyFile?: string;
  fingerprint?: string;
  hint?: string;
  yes?: boolean;
  archive?: boolean;
  config?: string;
  trustConfig?: boolean;
  format: 'text' | 'json';
}

const EXAMPLES = `
Examples:
  $ pbpaste | keyguard revoke                     the leaked key on stdin
  $ keyguard revoke --key-file leaked.txt --yes   non-interactive (CI, scripts)
  $ keyguard revoke --hint 'sk-ant-api03-R2D...igAA'
  $ keyguard revoke --fingerprint <sha256>        hint looked up in the audit log

Needs an Admin API key in ANTHROPIC_ADMIN_API_KEY (or the variable named by anthropic.adminKeyEnv).
The key is set inactive (reversible in the Console); --archive archives it (irreversible).

Exit codes:
  0  deactivated (or already inactive)
  2  usage error, no or several matching keys, not confirmed, Admin API error
`;

export function registerRevoke(program: Command, ctx: CommandContext): void {
  program
    .command('revoke')
    .description('deactivate a leaked key through the Admin API')
    .option('--key-stdin', 'read the leaked key from standard input (also when stdin is piped)')
    .option('--key-file <file>', 'read the leaked key from a file only you can read')
    .option('--fingerprint <sha256>', 'the key by fingerprint (its hint is looked up in the audit log)')
    .option('--hint <hint>', "the key by its Console hint, e.g. 'sk-ant-api03-R2D...igAA'")
    .option('-y, --yes', 'do not ask for confirmation (needed when not on a terminal)')
    .option('--archive', 'archive the key instead of setting it inactive (irreversible)')
    .option('-c, --config <file>', 'config file (default: keyguard.config.json)')
    .option('--trust-config', TRUST_CONFIG_HELP)
    .option('-f, --format <format>', 'output format: text or json', 'text')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: RevokeFlags) => {
      await runRevoke(ctx, flags);
    });
}

async function target(
  ctx: CommandContext,
  flags: RevokeFlags,
  auditEvents: () => Promise<import('../../audit/event.js').AuditEvent[]>,
) {
  const { fingerprint, hint, isFingerprint } = await import('../../key/fingerprint.js');
  const given = [flags.keyStdin, flags.keyFile, flags.fingerprint, flags.hint].filter(Boolean).length;
  if (given > 1) throw new UsageError('name the key one way: stdin, --key-file, --fingerprint or --hint.');
  if (flags.hint) {
    if (!/^sk-ant-[a-z]+\d*-.{1,8}\.\.\..{1,8}$/.test(flags.hint)) {
      throw new UsageError(`--hint takes a Console hint such as 'sk-ant-api03-R2D...igAA'.`);
    }
    return { hint: flags.hint, fingerprint: null };
  }
  if (flags.fingerprint) {
    if (!isFingerprint(flags.fingerprint))
      throw new UsageError('--fingerprint takes the 64-character lowercase hex SHA-256 of a key.');
    const events = await auditEvents();
    for (const e of events.reverse()) {
      for (const ref of [e.oldKey, e.newKey]) {
        if (ref?.fingerprint === flags.fingerprint && ref.hint)
          return { hint: ref.hint, fingerprint: flags.fingerprint };
      }
    }
    throw new UsageError('the audit log knows no key with that fingerprint: pass the key on stdin, or --hint.');
  }
  let key: string;
  if (flags.keyFile) {
    const { readPrivateKeyFile } = await import('../key-input.js');
    key = await readPrivateKeyFile(ctx.io, flags.keyFile, '--key-file');
  } else if ((flags.keyStdin || ctx.io.stdin) && !ctx.io.stdinIsTTY) {
    key = (await readStdin(ctx.io)).toString('utf8').trim();
  } else {
    throw new UsageError(
      'give the leaked key on stdin or with --key-file, or name it with --fingerprint or --hint (never on the command line).',
    );
  }
  if (!key)
    throw new UsageError(
      'no key on standard input: pipe the leaked key in, or use --key-file, --fingerprint or --hint.',
    );
  if (/\s/.test(key)) throw new UsageError('give exactly one key (the input holds several words).');
  return { hint: hint(key), fingerprint: fingerprint(key) };
}

async function runRevoke(ctx: CommandContext, flags: RevokeFlags): Promise<void> {
  if (!['text', 'json'].includes(flags.format)) throw new UsageError('--format takes text or json.');
  const loaded = await loadCommandConfig(ctx, flags, ['anthropic', 'audit']);
  const { readEvents } = await import('../../audit/chain.js');
  const { auditFile, openAuditTrail } = await import('../../audit/open-trail.js');
  const what = await target(ctx, flags, () => readEvents(auditFile(loaded)));
  const { connectAnthropic } = await import('../../rotate/connect.js');
  const anthropic = await connectAnthropic(loaded.config, ctx.io.env);
  if (!anthropic.admin) {
    throw new UsageError(
      `revoke needs an Admin API key in ${anthropic.adminKeyEnv} (Console → Settings → Admin keys); or deactivate ${what.hint} in the Console (Settings → API Keys).`,
    );
  }
  const { findRevokeTarget, describeKey, deactivateKey } = await import('../../rotate/revoke.js');
  const key = await findRevokeTarget(anthropic.admin, what);
  ctx.err(`found ${describeKey(key)}\n`);
  const nextSteps = [
    'next steps:',
    '  1. find where the key was used: keyguard rotate status' +
      (what.fingerprint ? ` --fingerprint ${what.fingerprint}` : ''),
    '     (and in code and history: keyguard trace' + (what.fingerprint ? ` --fingerprint ${what.fingerprint})` : ')'),
    '  2. create a new key in the Console (Settings → API Keys) and rotate each environment: keyguard rotate --env NAME',
    '  3. review usage of the key in the Console for the time it was exposed',
  ];
  if (key.status !== 'active' && !(flags.archive && key.status !== 'archived')) {
    ctx.out(
      flags.format === 'json'
        ? `${JSON.stringify({ version: 1, key, changed: false }, null, 2)}\n`
        : `${key.id} is already ${key.status}; nothing to do.\n${nextSteps.join('\n')}\n`,
    );
    return;
  }
  const verb = flags.archive ? 'archive (irreversible)' : 'set inactive';
  if (!flags.yes) {
    // Piped stdin (which may have carried the key) cannot answer a question: scripts pass --yes.
    if (!ctx.io.stdinIsTTY || !ctx.io.confirm)
      throw new UsageError(`not on a terminal: pass --yes to ${verb} ${key.id}.`);
    if (!(await ctx.io.confirm(`${verb} ${key.id} "${key.name}"?`)))
      throw new UsageError('not confirmed; nothing changed.');
  }
  const trail = openAuditTrail(loaded, { env: ctx.io.env });
  try {
    const updated = await deactivateKey(anthropic.admin, key, what, { archive: Boolean(flags.archive), trail });
    if (flags.format === 'json') {
      ctx.out(`${JSON.stringify({ version: 1, key: updated, changed: true, audit: trail.file }, null, 2)}\n`);
    } else {
      ctx.out(`${updated.id} ("${updated.name}", ${what.hint}) is now ${updated.status}.\n${nextSteps.join('\n')}\n`);
    }
  } finally {
    for (const warning of trail.warnings) ctx.err(`keyguard: warning: ${warning}\n`);
  }
}
