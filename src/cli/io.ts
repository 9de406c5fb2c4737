import type { Palette } from '../scan/report/report.js';

/** Everything the CLI may touch of its process, passed in so the whole CLI is a function. */
export interface CliIO {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Standard input, read only by commands that take it (`scan -`, keys for rotate/trace). */
  stdin?: AsyncIterable<Buffer | string>;
  stdinIsTTY?: boolean;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  /** Live stderr, for progress lines that must show while a long command runs. */
  progress?: (text: string) => void;
  /**
   * Aborted when the user asked to stop (Ctrl-C, SIGTERM): long commands (rotate) stop at their next
   * safe point instead of dying half-way. The reason is the signal's name.
   */
  stop?: AbortSignal;
  /** Ask the user a yes/no question on a terminal (rotate, revoke, init). */
  confirm?: (question: string) => Promise<boolean>;
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** What a command gets: the io, writers for its output, and the exit code it sets. */
export interface CommandContext {
  io: CliIO;
  out: (text: string) => void;
  err: (text: string) => void;
  setExitCode: (code: number) => void;
  /** Colours for stdout (off unless stdout is a TTY, and off with NO_COLOR or --no-color). */
  color: () => Palette;
  /**
   * The user asked to see whole keys in this report (`--show-secrets`). Until a command calls this,
   * stdout and report files are scrubbed; stderr always is.
   */
  revealSecrets: () => void;
  secretsRevealed: () => boolean;
}

const ansi = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;

/** Basic 16-colour ANSI: the six styles keyguard uses, without a dependency on the start-up path. */
const COLORS: Palette = {
  red: ansi(31, 39),
  green: ansi(32, 39),
  yellow: ansi(33, 39),
  cyan: ansi(36, 39),
  dim: ansi(2, 22),
  bold: ansi(1, 22),
};
const PLAIN: Palette = { red: String, green: String, yellow: String, cyan: String, dim: String, bold: String };

/** True when the palette draws ANSI colours (the output net keeps those sequences). */
export function isColored(palette: Palette): boolean {
  return palette === COLORS;
}

export function colorFor(io: CliIO, argv: string[]): Palette {
  // An explicit "no" (--no-color, NO_COLOR) always wins; FORCE_COLOR only overrides the terminal check.
  const refused = argv.includes('--no-color') || io.env.NO_COLOR !== undefined;
  const forced = io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0';
  const terminal = Boolean(io.stdoutIsTTY) && io.env.TERM !== 'dumb' && !argv.includes('--output');
  return !refused && (terminal || forced) ? COLORS : PLAIN;
}

/** Read all of stdin (bounded by the caller's need; scan streams instead). */
export async function readStdin(io: CliIO): Promise<Buffer> {
  if (!io.stdin) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
