/**
 * A JobProxy server for the benches: the real server (startServer) on a random 127.0.0.1 port,
 * its state, store and work directory in a directory the caller owns, logging off so that logging
 * costs are not measured.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { frameworkDefaults } from '../src/backends/create-backend.js';
import { DEFAULT_CONFIG, type Config } from '../src/config/config.js';
import { startServer, type RunningServer } from '../src/server.js';

export interface BenchServerOptions {
  /** Directory for the store (jobproxy.db) and the work directory (work/). */
  dir: string;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Options of the local framework over its declared defaults (`paused`, `cores`, …). */
  local?: Record<string, unknown>;
  /** How often unfinished jobs are polled, ms (default 1000, the server's default). */
  pollInterval?: number;
}

/** The store file a bench server in `dir` uses. */
export function benchStorePath(dir: string): string {
  return join(dir, 'jobproxy.db');
}

/** The work directory a bench server in `dir` uses. */
export function benchWorkdir(dir: string): string {
  return join(dir, 'work');
}

/** The local framework's options: declared defaults overridden by `options`. */
export function localOptions(options: Record<string, unknown> = {}): Record<string, unknown> {
  const defaults = frameworkDefaults('local');
  return { ...defaults, ...options };
}

/** The configuration of a bench server, as `jobproxy serve` would build it. */
export function benchConfig(options: BenchServerOptions): Config {
  return {
    ...DEFAULT_CONFIG,
    serveruri: `http://127.0.0.1:${options.port ?? 0}/`,
    store: benchStorePath(options.dir),
    workdir: benchWorkdir(options.dir),
    // In the bench's own directory: two benches started from one directory must not share it.
    state: join(options.dir, 'state'),
    log: 'silent',
    pollIntervalMs: options.pollInterval ?? DEFAULT_CONFIG.pollIntervalMs,
    frameworks: { local: localOptions(options.local) },
  };
}

/** Starts the real JobProxy server in this process; the caller closes it. */
export function startBenchServer(options: BenchServerOptions): Promise<RunningServer> {
  return startServer(benchConfig(options), pino({ level: 'silent' }));
}
