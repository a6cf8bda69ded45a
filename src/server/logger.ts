/**
 * The server's logger: JSON lines (one object a line, for collectors) unless stdout is a
 * terminal, where people read it: then pino-pretty's lines (time, level, message, fields).
 */
import type { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
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
  // sync: a line is written before the call returns, as with JSON (no worker thread).
  const stream = pretty({ destination: destination ?? 1, sync: true, colorize: !destination });
  return pino(options, stream);
}
