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

  const argv = process.argv.slice(2);
  const stop = catchStopSignals(argv);
  const io: CliIO = {
    stop: stop.signal,
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
  const result = await run(argv, io);
  stop.done();
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
  finished = true;
}

/** Commands that stop at a safe point on the first Ctrl-C / SIGTERM; everything else dies as usual. */
const STOPPABLE = new Set(['rotate']);

/**
 * During `rotate`, the first SIGINT or SIGTERM asks the command to stop at its next safe point (it
 * records its state and says how to --resume); a second one ends the process at once, as by default.
 */
function catchStopSignals(argv: string[]): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const command = argv.find((a) => !a.startsWith('-'));
  if (!command || !STOPPABLE.has(command)) return { signal: controller.signal, done: () => {} };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  const done = () => {
    for (const name of signals) process.off(name, onSignal);
  };
  function onSignal(name: NodeJS.Signals) {
    if (controller.signal.aborted) {
      done();
      process.kill(process.pid, name);
      return;
    }
    process.stderr.write(
      `\nkeyguard: ${name} received: stopping at the next safe point (send it again to stop at once).\n`,
    );
    controller.abort(name);
  }
  for (const name of signals) process.on(name, onSignal);
  return { signal: controller.signal, done };
}
