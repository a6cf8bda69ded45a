/**
 * How the server's own process is started: the V8 and allocator settings that keep it small
 * (bench/README.md, "queue-memory", has the figures; docs/config.md explains them). The
 * `jobproxy` binary's first line (main.ts) starts every command with the same V8 flag; `-d`
 * starts its server with both (daemon.ts); the benches start theirs with them too.
 */

/**
 * V8's new space (young generation) at most 4 MiB per semi-space instead of 16: a server that
 * answers one burst of submits otherwise keeps 32 MiB of young generation for the rest of its life
 * (V8 does not shrink it while the server idles). The price is more young collections: ~30 µs of
 * GC per submit instead of ~10 (2 MiB: ~45 µs; 1 MiB: ~80 µs); bench/README.md has the figures.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];

/**
 * glibc's malloc arenas at most 2 (default 8 per core): each of libuv's and V8's threads would
 * otherwise get an arena of its own that keeps what it once held.
 */
export const SERVER_MALLOC_ARENA_MAX = '2';

/** The server's environment: `env` with MALLOC_ARENA_MAX unless `env` sets it already. */
export function serverEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { MALLOC_ARENA_MAX: SERVER_MALLOC_ARENA_MAX, ...env };
}

/** The node flags a server child gets: ours, then the parent's own (which win on a conflict). */
export function serverNodeFlags(parentFlags: readonly string[] = process.execArgv): string[] {
  return [...SERVER_NODE_FLAGS, ...parentFlags];
}
