import { createInterface } from 'node:readline/promises';
import type { CliIO } from './io.js';
import { errorLine } from './present.js';
import { run } from './program.js';

/**
 * The process boundary: the only place that reads process.argv, writes to the terminal and sets the
 * exit code. Uses process.exitCode (not process.exit) so piped output is flushed.
 */
export async function main(): Promise<void> {
  let finished = false;
  const fail = (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`keyguard: unexpected error: ${errorLine(message.split('\n')[0]!)}\n`);
    if (process.env.KEYGUARD_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    // A late crash must not turn a finished run's exit code into a success, nor hide exit 2.
    if (!finished || !process.exitCode) process.exitCode = 2;
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') fail(error);
  });

  // keyguard pins the AWS SDK release that supports Node 20; its notice about future releases
  // needing Node 22 would only interleave with rotate's output. Set the variable to see it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  const io: CliIO = {
    cwd: process.cwd(),
    env: process.env,
    stdin: process.stdin.isTTY ? undefined : process.stdin,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    progress: (text) => process.stderr.write(text),
    confirm: async (question) => {
      if (!process.stdin.isTTY) return false;
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        const answer = await rl.question(`${question} [y/N] `);
        return /^y(es)?$/i.test(answer.trim());
      } finally {
        rl.close();
      }
    },
  };
  const result = await run(process.argv.slice(2), io);
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
  finished = true;
}
