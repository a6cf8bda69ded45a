/**
 * How the CLI fails: one line (or a few) telling the user what to do, and an exit code, never a
 * stack trace. Exit codes: 1 = the server refused or a task did not complete, 2 = the command
 * line, the configuration or the connection is wrong.
 */
import { CommanderError } from 'commander';
import { ConfigError } from '../config/load-config.js';

/** An error the CLI reports as its message alone, exiting with `exitCode`. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Writes what the user needs to know about `error` to stderr; returns the exit code. */
export function reportError(error: unknown): number {
  // Commander has already printed its usage error or the help text it was asked for.
  if (error instanceof CommanderError) return error.exitCode;
  if (error instanceof CliError) {
    process.stderr.write(`jobproxy: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`jobproxy: ${error.message}\n`);
    return 2;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`jobproxy: ${message}\n`);
  return 1;
}
