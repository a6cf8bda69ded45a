/**
 * Runs one bench server as a process of its own, so that its memory (VmRSS, VmHWM) and CPU are its
 * own and not the load generator's. Prints one JSON line `{"url":…,"pid":…}` once it listens;
 * SIGTERM closes it.
 *
 *   node dist/bench/serve-for-bench.js jobproxy DIR [PORT]   JobProxy, local framework paused
 *                                                            (tasks accepted and held), store in DIR
 *   node dist/bench/serve-for-bench.js bare DIR [PORT]       bench/bare-server.ts, database in DIR
 */
import { join } from 'node:path';
import { startBareServer } from './bare-server.js';
import { startBenchServer } from './bench-server.js';

async function main(): Promise<void> {
  const [mode, dir, portText] = process.argv.slice(2);
  const port = Number(portText ?? 0);
  if (!dir || !Number.isInteger(port) || (mode !== 'jobproxy' && mode !== 'bare')) {
    throw new Error('usage: serve-for-bench.js jobproxy|bare DIR [PORT]');
  }
  const server =
    mode === 'jobproxy'
      ? await startBenchServer({ dir, port, local: { paused: true } })
      : await startBareServer(join(dir, 'bare.db'), port);
  process.once('SIGTERM', () => {
    void server.close().then(() => process.exit(0));
  });
  console.log(JSON.stringify({ url: server.url, pid: process.pid }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
