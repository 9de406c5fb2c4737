import type { CliIO, CliResult } from '../../src/cli/io.js';
import { cli } from './cli.js';
import { expectMasked } from './masked.js';

export interface JsonReport {
  version: number;
  tool: { name: string; version: string };
  findings: Array<{
    rule: string;
    severity: string;
    fingerprint: string;
    hint: string;
    path: string;
    line: number;
    column: number;
    commit: string | null;
    reachability: string[];
    verification: unknown;
  }>;
  summary: { files: number; bytes: number; findings: number; durationMs: number; skipped?: number; allowed?: number };
}

/** `keyguard scan --format json …` in-process, checked for leaks, with the report parsed. */
export async function scanJson(
  argv: string[],
  io: Partial<CliIO> & { stdinText?: string | Buffer } = {},
): Promise<{ result: CliResult; report: JsonReport; paths: string[] }> {
  const result = await cli(['scan', '--format', 'json', ...argv], io);
  expectMasked(result);
  if (result.exitCode === 2) throw new Error(`scan failed: ${result.stderr}`);
  const report = JSON.parse(result.stdout) as JsonReport;
  return { result, report, paths: report.findings.map((f) => f.path).sort() };
}
