/**
 * A TCP forwarder from the docker bridge's address to a loopback service, for as long as a test
 * needs it: containers on the default bridge reach the host at that address, never at its
 * loopback, and the client on the host reaches it too, so both can be given one URL.
 */
import { connect, createServer, type Socket } from 'node:net';
import { execFileSync } from 'node:child_process';

export interface Forward {
  /** `target` with its host and port replaced by the forwarder's. */
  url: string;
  close(): void;
}

/**
 * The bridge network's gateway (docker0 reads as down to os.networkInterfaces while idle). Asked
 * a few times: once in a full CI run the CLI failed this call while dockerd ran (the test before
 * had just used it), and the failure is reported with what the CLI said.
 */
function bridgeAddress(): string {
  const format = '{{range .IPAM.Config}}{{.Gateway}}{{end}}';
  let said = 'an empty gateway';
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const gateway = execFileSync('docker', ['network', 'inspect', 'bridge', '--format', format], {
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 30_000,
      });
      const address = gateway.toString().trim();
      if (address) return address;
    } catch (error) {
      const { stderr, message } = error as Error & { stderr?: Buffer };
      said = stderr?.toString().trim() || message;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
  throw new Error(`no address of the docker bridge network (is dockerd running?): ${said}`);
}

function pipeBoth(client: Socket, upstream: Socket): void {
  const end = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', end).on('close', end);
  upstream.on('error', end).on('close', end);
  client.pipe(upstream).pipe(client);
}

export async function forwardFromDockerBridge(target: string): Promise<Forward> {
  const url = new URL(target);
  const host = bridgeAddress();
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    pipeBoth(client, connect(Number(url.port), url.hostname));
  });
  await new Promise<void>((listening, failed) => {
    server.once('error', failed);
    server.listen(0, host, listening);
  });
  const { port } = server.address() as { port: number };
  return {
    url: `${url.protocol}//${host}:${port}`,
    close() {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}
