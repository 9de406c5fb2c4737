import { createRequire } from 'node:module';
import type * as Commander from 'commander';

/**
 * commander, loaded through its CommonJS entry: Node 20 takes about twice as long (some 15 ms of
 * every start-up) to load it through its ESM wrapper, which must be scanned for its exports.
 */
const commander = createRequire(import.meta.url)('commander') as typeof Commander;

export const { Argument, Command, CommanderError, Option } = commander;
export type Argument = Commander.Argument;
export type Command = Commander.Command;
export type CommanderError = Commander.CommanderError;
export type Option = Commander.Option;
