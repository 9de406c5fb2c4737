import { UsageError } from '../../shared/errors.js';
import { type Command, Option } from '../commander.js';
import { parseIntOption } from '../common.js';
import { loadCommandConfig, TRUST_CONFIG_HELP } from '../config.js';
import type { CommandContext } from '../io.js';

interface CheckFlags {
  var: string;
  envFile?: string;
  live?: boolean;
  format: 'text' | 'json';
  timeout?: number;
  config?: string;
  trustConfig?: boolean;
  color: boolean;
}

const EXAMPLES = `
Examples:
  $ keyguard check                              ANTHROPIC_API_KEY from the environment, else .env
  $ keyguard check --live                       also ask the API whether the key works (GET /v1/models)
  $ keyguard check --var ANTHROPIC_ADMIN_API_KEY --live
  $ keyguard check --env-file .env.production --format json

Only the key's hint is ever printed. --live contacts only api.anthropic.com, or ANTHROPIC_BASE_URL
(or anthropic.baseUrl from your own config, or from the repository's with --trust-config).

Exit codes:
  0  the key is set and well-formed (and, with --live, active)
  1  the key is missing, malformed, inactive or not permitted
  2  error (bad flag, unreadable env file, or --live could not reach a verdict: rate limited, network)
`;

export function registerCheck(program: Command, ctx: CommandContext): void {
  program
    .command('check')
    .description('check the key in the environment or .env: present, well-formed, live')
    .option('--var <name>', 'variable holding the key', 'ANTHROPIC_API_KEY')
    .option('--env-file <file>', 'env file read when the variable is not in the environment (default: .env)')
    .option('--live', 'ask the Anthropic API whether the key works (GET /v1/models?limit=1, no tokens used)')
    .option(
      '--timeout <seconds>',
      'with --live: give up after this many seconds (default: 15)',
      parseIntOption('--timeout'),
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-c, --config <file>', 'config file (default: keyguard.config.json)')
    .option('--trust-config', TRUST_CONFIG_HELP)
    .option('--no-color', 'no colours (also NO_COLOR)')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: CheckFlags) => {
      if (flags.timeout === 0) throw new UsageError('--timeout must be at least 1 second.');
      const { config } = await loadCommandConfig(ctx, flags, flags.live ? ['anthropic'] : []);
      const { checkKey, checkExitCode } = await import('../../check/check-key.js');
      const { formatCheckJson, formatCheckText } = await import('../../check/report.js');
      const result = await checkKey({
        variable: flags.var,
        envFile: flags.envFile ?? '.env',
        explicitEnvFile: flags.envFile !== undefined,
        live: Boolean(flags.live),
        env: ctx.io.env,
        cwd: ctx.io.cwd,
        baseUrl: config.anthropic?.baseUrl,
        timeoutMs: flags.timeout !== undefined ? flags.timeout * 1000 : config.anthropic?.timeoutMs,
      });
      ctx.out(flags.format === 'json' ? formatCheckJson(result) : formatCheckText(result, ctx.color()));
      ctx.setExitCode(checkExitCode(result));
    });
}
