/**
 * Shared by the Slurm and Grid Engine e2e tests: the top-level `containers` key decides how a TES
 * executor's image runs on a batch framework (issue 14 item 5), and a container CLI that cannot
 * even start the container ends the task SYSTEM_ERROR with its message.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestServer } from '../../helpers/test-server.js';
import { createTask, waitForTes, type Json } from '../../tes/tes-client.js';

type StartServer = (overrides: { containers: string }) => Promise<TestServer>;

const TIMEOUT = { timeout: 120_000 };

/** Passes only outside a container: the host is Debian, the image is Alpine. */
const ON_HOST = 'test -e /etc/debian_version && ! test -e /etc/alpine-release && echo on-the-host';

function systemLogs(task: Json): string {
  const logs = (task.logs as { system_logs?: string[] }[] | undefined) ?? [];
  return logs.flatMap((log) => log.system_logs ?? []).join('\n');
}

export function containerKeyCases(framework: string, start: StartServer, ready: () => void): void {
  test(
    `${framework}, containers=host: an executor with an image runs on the host`,
    TIMEOUT,
    async () => {
      ready();
      const server = await start({ containers: 'host' });
      const id = await createTask(server, {
        executors: [{ image: 'alpine:3.20', command: ['/bin/sh', '-c', ON_HOST] }],
      });
      const task = await waitForTes(server, id, 90_000);
      assert.equal(task.state, 'COMPLETE', `${JSON.stringify(task.logs)}`);
      assert.equal(server.service.containers, 'host');
    },
  );

  test(
    `${framework}, containers=docker: an image that does not exist is a SYSTEM_ERROR with docker's message`,
    TIMEOUT,
    async () => {
      ready();
      const server = await start({ containers: 'docker' });
      const image = 'jobproxy-no-such-image:never';
      const id = await createTask(server, { executors: [{ image, command: ['true'] }] });
      const task = await waitForTes(server, id, 90_000);
      assert.equal(task.state, 'SYSTEM_ERROR', `${JSON.stringify(task.logs)}`);
      const logs = systemLogs(task);
      assert.match(logs, /could not start executor 0's container \(exit 125\)/);
      assert.ok(logs.includes(image), `docker's message names the image: ${logs}`);
    },
  );
}
