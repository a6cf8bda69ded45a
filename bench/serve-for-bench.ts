/**
 * Runs one bench server as a process of its own, so that its memory (VmRSS, VmHWM) and CPU are its
 * own and not the load generator's. Prints one JSON line `{"url":…,"pid":…}` once it listens;
 * SIGTERM closes it.
 *
 *   node dist/bench/serve-for-bench.js jobproxy DIR [PORT]   JobProxy, local framework paused
 *                                                            (tasks accepted and held), store in DIR
 *   node dist/bench/serve-for-bench.js running DIR [PORT]    JobProxy, local framework running tasks
 *   node dist/bench/serve-for-bench.js bare DIR [PORT]       bench/bare-server.ts, database in DIR
 */
import { join } from 'node:path';
import { startBareServer } from './bare-server.js';
import { startBenchServer } from './bench-server.js';

const MODES = ['jobproxy', 'running', 'bare'];

async function main(): Promise<void> {
  const [mode, dir, portText] = process.argv.slice(2);
  const port = Number(portText ?? 0);
  if (!dir || !Number.isInteger(port) || !MODES.includes(mode ?? '')) {
    throw new Error(`usage: serve-for-bench.js ${MODES.join('|')} DIR [PORT]`);
  }
  const server =
    mode === 'bare'
      ? await startBareServer(join(dir, 'bare.db'), port)
      : await startBenchServer({ dir, port, local: { paused: mode === 'jobproxy' } });
  process.once('SIGTERM', () => {
    void server.close().then(() => process.exit(0));
  });
  console.log(JSON.stringify({ url: server.url, pid: process.pid }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
