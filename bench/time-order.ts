/**
 * Task times under load (issue 11): N tasks of `/bin/true` through the HTTP API of a real server
 * (local framework), then the listing is read and the tasks whose `ended` is before `started` are
 * counted, with the largest gap. Prints figures; asserts nothing.
 *
 *   npm run build && node dist/bench/time-order.js [N]      (default 2000)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpCall, keepAliveAgent, postJson, runPool, waitAllComplete } from './bench-http.js';
import { startBenchServer } from './bench-server.js';

interface Row {
  code: string;
  started?: string;
  ended?: string;
}

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 2000);
  const dir = mkdtempSync(join(tmpdir(), 'jobproxy-bench-times-'));
  const server = await startBenchServer({ dir, local: { runAs: 'root' }, pollInterval: 200 });
  const agent = keepAliveAgent(4);
  try {
    const url = `${server.url}/v1/jobproxy/submit`;
    await runPool(total, 4, () => postJson(agent, url, { user: 'bench', cmd: ['/bin/true'] }));
    await waitAllComplete(agent, server.url, total, 600_000, 200);
    const answer = await httpCall(agent, `${server.url}/v1/jobproxy/state`, {
      headers: { accept: 'application/json' },
    });
    const rows = (JSON.parse(answer.body) as { state: Row[] }).state;
    const gaps = rows
      .filter((r) => r.started && r.ended)
      .map((r) => Date.parse(r.started!) - Date.parse(r.ended!))
      .filter((gap) => gap > 0);
    console.log(`tasks: ${rows.length}`);
    console.log(`ended before started: ${gaps.length}`);
    console.log(`largest gap: ${gaps.length ? Math.max(...gaps) : 0} ms`);
  } finally {
    agent.destroy();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
