import type { LoadedConfig } from '../config/types.js';
import type { CommandContext } from './io.js';

export const TRUST_CONFIG_HELP =
  "honour the repository's keyguard.config.json settings that send keys or tokens elsewhere or load code (also KEYGUARD_TRUST_CONFIG=1)";

/**
 * Load the config for a command, with the user's environment and --trust-config, and say in one
 * warning line which settings that move secrets were ignored — only for the sections (`anthropic`,
 * `audit`) this run would have used, so a plain scan of one's own repository stays quiet.
 */
export async function loadCommandConfig(
  ctx: CommandContext,
  flags: { config?: string; trustConfig?: boolean },
  uses: readonly string[] = [],
  knownTop?: string | null,
): Promise<LoadedConfig> {
  const { loadConfig } = await import('../config/loader.js');
  const { ignoredWarning } = await import('../config/trust.js');
  const loaded = await loadConfig(ctx.io.cwd, flags.config, knownTop, {
    env: ctx.io.env,
    trust: Boolean(flags.trustConfig),
  });
  const warning = ignoredWarning(loaded, uses);
  if (warning) ctx.err(`keyguard: warning: ${warning}\n`);
  return loaded;
}
