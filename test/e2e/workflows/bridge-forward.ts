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

/** What `command` prints, trimmed; what went wrong is put in `said`. */
function output(command: string, args: string[], said: string[]): string {
  try {
    const printed = execFileSync(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    return printed.toString().trim();
  } catch (error) {
    const { stderr, message } = error as Error & { stderr?: Buffer };
    said.push(`${command}: ${stderr?.toString().trim() || message}`);
    return '';
  }
}

/**
 * The bridge network's gateway (docker0 reads as down to os.networkInterfaces while idle). Asked
 * of dockerd, else read from the interface itself: twice in full CI runs, right after the Slurm
 * docker tests, the CLI failed this call once and answered an empty gateway once, while dockerd
 * ran. Both are asked a few times, and a failure quotes what each said.
 */
function bridgeAddress(): string {
  const said: string[] = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    const format = '{{range .IPAM.Config}}{{.Gateway}}{{end}}';
    const gateway = output('docker', ['network', 'inspect', 'bridge', '--format', format], said);
    if (gateway) return gateway;
    const shown = output('ip', ['-o', '-4', 'addr', 'show', 'dev', 'docker0'], said);
    const address = /\binet (\d+\.\d+\.\d+\.\d+)\//.exec(shown)?.[1];
    if (address) return address;
    said.push(`attempt ${attempt + 1}: an empty gateway; ip showed "${shown}"`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
  throw new Error(
    `no address of the docker bridge network (is dockerd running?): ${said.join('; ')}`,
  );
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
