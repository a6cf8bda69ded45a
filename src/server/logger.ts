/**
 * The server's logger: JSON lines (one object a line, for collectors) unless stdout is a
 * terminal, where people read it: then pino-pretty's lines (time, level, message, fields).
 * pino-pretty (30 modules) is required only then: a service logging JSON never loads it.
 */
import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type Pretty from 'pino-pretty';
import type { Config } from '../config/config.js';

/** Where the log goes; stdout by default, a stream in tests. */
export interface LogTarget {
  /** Human-readable lines instead of JSON (default: whether stdout is a terminal). */
  pretty?: boolean;
  destination?: Writable;
}

export function createLogger(config: Readonly<Config>, target: LogTarget = {}): Logger {
  const level = config.debug ? 'debug' : config.log.toLowerCase();
  // A second guard behind the debug hooks' own redaction (src/api/caller.ts redactHeaders).
  const secrets = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key'];
  const redact = secrets.flatMap((h) => [`req.headers["${h}"]`, `headers["${h}"]`]);
  const options = { level, redact: [...redact, 'token', '*.token'] };
  const { destination } = target;
  if (!(target.pretty ?? process.stdout.isTTY === true)) {
    return destination ? pino(options, destination) : pino(options);
  }
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof Pretty;
  // sync: a line is written before the call returns, as with JSON (no worker thread).
  const stream = pretty({ destination: destination ?? 1, sync: true, colorize: !destination });
  return pino(options, stream);
}
