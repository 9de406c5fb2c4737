import { loadConfig } from '../../config/loader.js';
import { InputError, UsageError } from '../../shared/errors.js';
import { escapeTerminal as e } from '../../shared/escape.js';
import { type Command, Option } from '../commander.js';
import type { CommandContext } from '../io.js';

interface ListFlags {
  env?: string;
  since?: string;
  format: 'text' | 'json';
  auditFormat?: 'keyguard' | 'ocsf';
  config?: string;
}

const EXAMPLES = `
Examples:
  $ keyguard audit verify                     check the hash chain of .keyguard/audit.jsonl
  $ keyguard audit verify archive/audit.jsonl
  $ keyguard audit list --env prod --since 30d
  $ keyguard audit list --format json --audit-format ocsf

Exit codes:
  0  the chain verifies (verify) / listed (list)
  1  the chain is broken: the first bad line is named
  2  error (missing file, bad flag)
`;

export function registerAudit(program: Command, ctx: CommandContext): void {
  const audit = program
    .command('audit')
    .description('verify or list the hash-chained audit trail')
    .addHelpText('after', EXAMPLES);
  audit
    .command('verify')
    .description('recompute the hash chain; name the first line that breaks it')
    .argument('[file]', 'audit log (default: audit.file of the config, else .keyguard/audit.jsonl)')
    .option('-c, --config <file>', 'config file (default: keyguard.config.json)')
    .addHelpText('after', EXAMPLES)
    .action(async (file: string | undefined, flags: { config?: string }) => {
      ctx.setExitCode(await runVerify(ctx, file, flags));
    });
  audit
    .command('list')
    .description('list audit events')
    .option('-e, --env <name>', 'only this environment')
    .option('--since <when>', 'only events at or after a date (2026-01-31) or an age (24h, 30d)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(new Option('--audit-format <format>', 'with --format json: event format').choices(['keyguard', 'ocsf']))
    .option('-c, --config <file>', 'config file (default: keyguard.config.json)')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: ListFlags) => {
      await runList(ctx, flags);
    });
}

async function logFile(ctx: CommandContext, file: string | undefined, config: string | undefined): Promise<string> {
  const { resolve } = await import('node:path');
  if (file) return resolve(ctx.io.cwd, file);
  const { auditFile } = await import('../../audit/open-trail.js');
  return auditFile(await loadConfig(ctx.io.cwd, config));
}

async function runVerify(ctx: CommandContext, file: string | undefined, flags: { config?: string }): Promise<number> {
  const path = await logFile(ctx, file, flags.config);
  const { readFile } = await import('node:fs/promises');
  const { verifyChain } = await import('../../audit/chain.js');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read the audit log ${file ?? path} (${(error as NodeJS.ErrnoException).code}).`);
  }
  const check = verifyChain(text);
  if (!check.ok) {
    ctx.out(`${e(file ?? path)}: chain broken at line ${check.firstBad!.line}: ${e(check.firstBad!.reason)}.\n`);
    ctx.out(`  ${check.events} event(s) before it verify; nothing after it can be trusted.\n`);
    return 1;
  }
  ctx.out(`${e(file ?? path)}: ${check.events} event(s), chain intact (head ${check.lastHash.slice(0, 16)}…).\n`);
  return 0;
}

/** `--since`: an ISO date, or an age such as 24h / 30d / 90m. */
export function parseSince(value: string, now = Date.now()): number {
  const age = /^(\d+)([mhdw])$/.exec(value);
  if (age) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[age[2] as 'm' | 'h' | 'd' | 'w'];
    return now - Number(age[1]) * unit;
  }
  const date = Date.parse(value);
  if (Number.isNaN(date))
    throw new UsageError(`--since takes a date (2026-01-31) or an age (24h, 30d), got "${value}".`);
  return date;
}

async function runList(ctx: CommandContext, flags: ListFlags): Promise<void> {
  const since = flags.since ? parseSince(flags.since) : undefined;
  const path = await logFile(ctx, undefined, flags.config);
  const { readEvents } = await import('../../audit/chain.js');
  const events = (await readEvents(path)).filter(
    (e) => (!flags.env || e.environment === flags.env) && (since === undefined || Date.parse(e.time) >= since),
  );
  if (flags.format === 'json') {
    const { toOcsf } = await import('../../audit/ocsf.js');
    const shown = flags.auditFormat === 'ocsf' ? events.map(toOcsf) : events;
    ctx.out(`${JSON.stringify({ version: 1, file: path, events: shown }, null, 2)}\n`);
    return;
  }
  if (events.length === 0) {
    ctx.out('no audit events' + (flags.env || flags.since ? ' match' : ` in ${e(path)}`) + '.\n');
    return;
  }
  // An audit log can be committed to the repository being inspected: every field is shown escaped.
  for (const ev of events) {
    const key =
      ev.action === 'KeyDeactivated' || ev.action === 'OldKeyDeactivated' ? ev.oldKey : (ev.newKey ?? ev.oldKey);
    const parts = [
      String(ev.seq).padStart(4),
      String(ev.time).replace(/\.\d+Z$/, 'Z'),
      (ev.environment ?? '-').padEnd(8),
      String(ev.action).padEnd(18),
      ev.outcome === 'success' ? 'ok  ' : 'FAIL',
      (key?.hint ?? '-').padEnd(23),
      (key?.apiKeyId ?? '-').padEnd(21),
      ev.actor.user ?? '',
    ];
    ctx.out(`${e(parts.join('  ').trimEnd())}\n`);
    if (ev.error) ctx.out(`        ${e(`${ev.error.code}: ${ev.error.message}`)}\n`);
  }
}
