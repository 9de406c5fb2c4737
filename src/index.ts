/**
 * The package entry (`main` in package.json): the CLI as a function and the scan engine, for tools
 * that embed keyguard. The command line (bin/keyguard.js) does not load this file.
 */

export type { CliIO, CliResult } from './cli/io.js';
export { run } from './cli/program.js';
export { loadConfig, parseConfig } from './config/loader.js';
export type { KeyguardConfig } from './config/types.js';
export type { Severity } from './key/severity.js';
export type { Finding, ScanResult } from './scan/finding.js';
export { secretOf } from './scan/finding.js';
export { scanStaged, scanStdin, scanWorktree } from './scan/scan.js';
export { KeyguardError } from './shared/errors.js';
export { VERSION } from './shared/version.js';
