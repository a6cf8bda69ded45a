/**
 * What the container e2e tests share: the real engine (they fail, never skip, when dockerd is not
 * running), the local test image, servers running containers, and looks at containers by label.
 */
import { createServer } from 'node:net';
import Docker from 'dockerode';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { setTimeout as sleep } from 'node:timers/promises';

export const DOCKER_SOCKET = process.env.JOBPROXY_TEST_DOCKER_SOCKET ?? '/var/run/docker.sock';
/** Built by scripts/docker/start.sh from Debian's busybox-static, no registry needed. */
export const TEST_IMAGE = 'jobproxy-test/busybox:latest';

export const docker = new Docker({ socketPath: DOCKER_SOCKET });

const HOW_TO_START =
  'start it with `bash scripts/docker/start.sh` (as root: installs docker.io and busybox-static ' +
  `if missing, starts dockerd, builds ${TEST_IMAGE}) — or run the tests through npm test`;

/** Throws, naming what is missing, unless dockerd answers and the test image is there. */
export async function requireDocker(): Promise<void> {
  try {
    await docker.ping();
  } catch (error) {
    throw new Error(
      `dockerd is missing: no Docker engine answers on ${DOCKER_SOCKET} (${(error as Error).message}); ${HOW_TO_START}`,
    );
  }
  try {
    await docker.getImage(TEST_IMAGE).inspect();
  } catch {
    throw new Error(`the test image ${TEST_IMAGE} is missing; ${HOW_TO_START}`);
  }
}

/** A server whose local framework runs images through dockerd. */
export function startDockerServer(
  overrides: Parameters<typeof startTestServer>[0] = {},
): Promise<TestServer> {
  return startTestServer({
    containers: 'docker',
    ...overrides,
    frameworkOptions: { dockerSocket: DOCKER_SOCKET, ...overrides.frameworkOptions },
  });
}

/** A v1 container task of the test image running `cmd` under /bin/sh. */
export function containerTask(
  cmd: string,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  const { container, ...rest } = fields;
  return {
    user: 'docker-test',
    container: { image: TEST_IMAGE, cmd, ...(container as object | undefined) },
    ...rest,
  };
}

/** Every container (running or not) labelled with this task id. */
export async function containersOf(taskId: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`jobproxy.task=${taskId}`] } });
}

/** Polls until `check` holds or fails with `what` after `timeoutMs`. */
export async function eventually(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
}

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
