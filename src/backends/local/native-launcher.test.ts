/**
 * The native launcher (native/launcher/) against the rules of the Node one: the same requests
 * and events over a real IPC channel, the same claims and markers. As the caller's own user, so
 * no root is needed (the identity switch and cgroups are covered by the e2e tests).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LAUNCHER_MARKER } from './launcher-marker.js';
import { NATIVE_LAUNCHER } from './launcher.js';
import type { LaunchEvent } from './launcher-process.js';

const base = mkdtempSync(join(tmpdir(), 'jobproxy-native-launcher-'));
after(() => rmSync(base, { recursive: true, force: true }));

function startLauncher(env: Record<string, string> = {}): ChildProcess {
  assert.ok(existsSync(NATIVE_LAUNCHER), `the native launcher was not built: ${NATIVE_LAUNCHER}`);
  return spawn(NATIVE_LAUNCHER, [LAUNCHER_MARKER], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
}

/** The events the launcher sends for request `id`, until `until` says enough. */
function eventsOf(
  launcher: ChildProcess,
  id: number,
  until: (events: LaunchEvent[]) => boolean,
): Promise<LaunchEvent[]> {
  const events: LaunchEvent[] = [];
  return new Promise((resolve) => {
    const onMessage = (event: LaunchEvent): void => {
      if (event.id !== id) return;
      events.push(event);
      if (!until(events)) return;
      launcher.off('message', onMessage);
      resolve(events);
    };
    launcher.on('message', onMessage);
  });
}

const ended = (events: LaunchEvent[]): boolean =>
  events.some((e) => e.type === 'exit' || e.type === 'error' || e.type === 'supervisor');

let nextTask = 0;
function directRequest(command: string[], extra: Record<string, unknown> = {}) {
  const name = `t${nextTask++}`;
  const taskDir = join(base, 'tasks', name);
  const markersDir = join(base, 'state', name);
  mkdirSync(join(base, 'tasks'), { recursive: true });
  mkdirSync(markersDir, { recursive: true });
  const request = {
    kind: 'direct',
    taskDir,
    markersDir,
    launch: 1,
    command,
    env: { PATH: '/usr/bin:/bin', ONLY: 'this' },
    stdout: join(taskDir, 'stdout'),
    stderr: join(taskDir, 'stderr'),
    cgroupDirs: [],
    ...extra,
  };
  return request;
}

/** The exit marker follows the exit event (the code is told first): wait for it a moment. */
async function markerWritten(markersDir: string): Promise<void> {
  for (let i = 0; i < 100 && !existsSync(join(markersDir, 'exit')); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function run(launcher: ChildProcess, id: number, request: object): Promise<LaunchEvent[]> {
  const events = eventsOf(launcher, id, ended);
  launcher.send({ ...request, id });
  return events;
}

test('a direct start: its claim, its outputs, the code told, then the exit marker', async () => {
  const launcher = startLauncher();
  try {
    const request = directRequest([
      '/bin/sh',
      '-c',
      'echo out; echo err >&2; env > env.txt; exit 3',
    ]);
    const events = await run(launcher, 1, request);
    const [started, exit] = events;
    assert.equal(started?.type, 'started');
    assert.ok(started.type === 'started' && started.pid > 0 && started.launcher === launcher.pid);
    assert.ok(started.type === 'started' && (started.launcherStart ?? 0) > 0);
    assert.deepEqual(exit, { id: 1, type: 'exit', pid: started.pid, code: 3 });
    await markerWritten(request.markersDir);
    assert.equal(readFileSync(join(request.markersDir, 'exit'), 'utf8'), '3\n');
    const claim = readFileSync(join(request.markersDir, 'claim.1'), 'utf8');
    assert.equal(claim, `launcher ${launcher.pid} ${started.launcherStart}\n${started.pid}\n`);
    assert.equal(readFileSync(request.stdout, 'utf8'), 'out\n');
    assert.equal(readFileSync(request.stderr, 'utf8'), 'err\n');
    // Exactly the environment sent (the shell adds PWD, SHLVL and _ of its own).
    const env = readFileSync(join(request.taskDir, 'env.txt'), 'utf8').split('\n').sort();
    const own = env.filter((line) => line && !/^(PWD|SHLVL|_)=/.test(line));
    assert.deepEqual(own, ['ONLY=this', 'PATH=/usr/bin:/bin']);
  } finally {
    launcher.kill('SIGKILL');
  }
});

test('a launch recovery claimed first never runs; an existing directory goes to the supervisor', async () => {
  const launcher = startLauncher();
  try {
    const claimed = directRequest(['/bin/sh', '-c', 'touch ran']);
    writeFileSync(join(claimed.markersDir, 'claim.1'), 'recovery\n');
    const [refused] = await run(launcher, 2, claimed);
    assert.equal(refused?.type, 'error');
    assert.match(refused.type === 'error' ? refused.message : '', /claimed by recovery/);
    assert.equal(existsSync(join(claimed.taskDir, 'ran')), false);

    const existing = directRequest(['/bin/true']);
    mkdirSync(existing.taskDir);
    assert.deepEqual(await run(launcher, 3, existing), [{ id: 3, type: 'supervisor' }]);
    assert.equal(existsSync(join(existing.markersDir, 'claim.1')), false, 'nothing was claimed');

    // Recovery may claim a first launch before its markers directory was made by the launcher.
    const early = directRequest(['/bin/sh', '-c', 'touch ran']);
    rmSync(early.markersDir, { recursive: true });
    mkdirSync(early.markersDir, { mode: 0o700 });
    writeFileSync(join(early.markersDir, 'claim.1'), 'recovery\n');
    const [late] = await run(launcher, 4, early);
    assert.match(late?.type === 'error' ? late.message : '', /claimed by recovery/);
    assert.equal(existsSync(join(early.taskDir, 'ran')), false);
  } finally {
    launcher.kill('SIGKILL');
  }
});

test('a first launch makes its markers directory (0700); inheritEnv adds the launcher\u2019s own', async () => {
  const launcher = startLauncher({ JOBPROXY_TEST_INHERITED: 'from-the-server' });
  try {
    const print = ['/bin/sh', '-c', 'echo "$JOBPROXY_TEST_INHERITED/$ONLY/$NODE_CHANNEL_FD"'];
    const request = directRequest(print, { inheritEnv: true });
    rmSync(request.markersDir, { recursive: true });
    const [started, exit] = await run(launcher, 6, request);
    assert.equal(started?.type, 'started');
    assert.equal(exit?.type === 'exit' && exit.code, 0);
    // The task's own over the launcher's; the launcher's IPC channel is not passed on.
    assert.equal(readFileSync(request.stdout, 'utf8'), 'from-the-server/this/\n');
    assert.equal(statSync(request.markersDir).mode & 0o777, 0o700);
    await markerWritten(request.markersDir);
    assert.equal(readFileSync(join(request.markersDir, 'exit'), 'utf8'), '0\n');

    const alone = directRequest(print);
    await run(launcher, 7, alone);
    assert.equal(readFileSync(alone.stdout, 'utf8'), '/this/\n');

    // Never for a task run as another user (a uid in the request): refused, nothing made.
    const owned = directRequest(print, { inheritEnv: true, uid: 65534, gid: 65534 });
    const [refused] = await run(launcher, 8, owned);
    assert.deepEqual(refused, { id: 8, type: 'error', message: 'bad request: inheritEnv' });
    assert.equal(existsSync(owned.taskDir), false);
  } finally {
    launcher.kill('SIGKILL');
  }
});

test('a command that cannot start ends 127 with the reason, as a shell would say', async () => {
  const launcher = startLauncher();
  try {
    const request = directRequest(['no-such-command-anywhere']);
    const [started, exit] = await run(launcher, 5, request);
    assert.deepEqual(started, {
      id: 5,
      type: 'started',
      pid: -1,
      launcher: launcher.pid,
      launcherStart: started?.type === 'started' ? started.launcherStart : undefined,
    });
    assert.equal(exit?.type === 'exit' && exit.code, 127);
    assert.match(exit?.type === 'exit' ? (exit.complaint ?? '') : '', /ENOENT/);
    await markerWritten(request.markersDir); // written after the complaint
    const complaint = readFileSync(join(request.markersDir, 'supervisor.err'), 'utf8');
    assert.match(complaint, /no-such-command-anywhere/);
  } finally {
    launcher.kill('SIGKILL');
  }
});

test('a script without #! runs under /bin/sh with its arguments, as execvp and Node spawn do', async () => {
  const launcher = startLauncher();
  try {
    const bin = join(base, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'plain-script'), 'echo "$0:$1:$2" > seen; exit 4\n', { mode: 0o755 });
    const byPath = directRequest([join(bin, 'plain-script'), 'a b', 'c']);
    const [, exit] = await run(launcher, 6, byPath);
    assert.equal(exit?.type === 'exit' && exit.code, 4);
    assert.equal(readFileSync(join(byPath.taskDir, 'seen'), 'utf8'), `${bin}/plain-script:a b:c\n`);

    const onPath = directRequest(['plain-script', 'x'], { env: { PATH: `/nowhere:${bin}` } });
    const [, found] = await run(launcher, 7, onPath);
    assert.equal(found?.type === 'exit' && found.code, 4);
    assert.equal(readFileSync(join(onPath.taskDir, 'seen'), 'utf8'), `${bin}/plain-script:x:\n`);
  } finally {
    launcher.kill('SIGKILL');
  }
});

test('a supervisor script runs as `sh -c <script> <marker>` with the launcher environment and its own', async () => {
  const launcher = startLauncher();
  try {
    const cwd = mkdtempSync(join(base, 'script-'));
    const script = 'echo "$0 $OWN" > seen';
    const events = await run(launcher, 6, {
      script,
      marker: 'jobproxy-task:x:1',
      cwd,
      env: { OWN: 'v' },
    });
    assert.deepEqual(
      events.map((e) => e.type),
      ['started', 'exit'],
    );
    assert.equal(readFileSync(join(cwd, 'seen'), 'utf8'), 'jobproxy-task:x:1 v\n');
  } finally {
    launcher.kill('SIGKILL');
  }
});

test('hostile requests are refused by id, and the launcher goes on', async () => {
  const launcher = startLauncher();
  try {
    const withNul = directRequest(['/bin/echo', 'a\u0000b']);
    const [nul] = await run(launcher, 7, withNul);
    assert.equal(nul?.type, 'error');
    assert.match(nul?.type === 'error' ? nul.message : '', /NUL/);
    const [missing] = await run(launcher, 8, { kind: 'direct', command: ['/bin/true'] });
    assert.match(missing?.type === 'error' ? missing.message : '', /bad request: taskDir/);
    // Never root by a uid: the server sends none for a task it runs as itself.
    const [root] = await run(launcher, 11, directRequest(['/bin/true'], { uid: 0, gid: 0 }));
    assert.match(root?.type === 'error' ? root.message : '', /bad request: uid/);
    // Too deep to read, and no id: nothing to answer, nothing broken.
    let deep: unknown = {};
    for (let i = 0; i < 100; i++) deep = { deep };
    launcher.send(deep as object);
    launcher.send('a bare string');
    const [started] = await run(launcher, 9, directRequest(['/bin/true']));
    assert.equal(started?.type, 'started');
  } finally {
    launcher.kill('SIGKILL');
  }
});

test('idle, it offers to go; let go with a direct task running, it stays until that task ended', async () => {
  const launcher = startLauncher({ JOBPROXY_LAUNCHER_IDLE_MS: '100' });
  const idle = await new Promise<LaunchEvent>((resolve) => launcher.once('message', resolve));
  assert.deepEqual(idle, { id: 0, type: 'idle' });
  const request = directRequest(['/bin/sh', '-c', 'sleep 0.3']);
  const started = eventsOf(launcher, 10, (events) => events.length === 1);
  launcher.send({ ...request, id: 10 });
  await started;
  const exited = once(launcher, 'exit');
  launcher.disconnect();
  assert.equal(existsSync(join(request.markersDir, 'exit')), false, 'still running');
  const [code] = await exited;
  assert.equal(code, 0);
  assert.equal(readFileSync(join(request.markersDir, 'exit'), 'utf8'), '0\n');
});

test('a successor starts as a direct task ends, or when released; dropped, it never runs', async () => {
  const launcher = startLauncher();
  try {
    const first = directRequest(['/bin/sh', '-c', 'sleep 0.2']);
    const firstEvents = eventsOf(launcher, 20, ended);
    launcher.send({ ...first, id: 20 });
    const successor = directRequest(['/bin/true']);
    const order: string[] = [];
    launcher.on('message', (event: LaunchEvent) => order.push(`${event.id}:${event.type}`));
    const successorEvents = eventsOf(launcher, 21, ended);
    launcher.send({ ...successor, id: 21, after: true });
    const [, firstExit] = await firstEvents;
    const [, successorExit] = await successorEvents;
    assert.deepEqual(order, ['20:started', '20:exit', '21:started', '21:exit']);
    // The exit names the successor started in its place (the server then sends no release).
    assert.equal(firstExit?.type === 'exit' && firstExit.next, 21);
    assert.equal(successorExit?.type === 'exit' && successorExit.next, undefined);

    // With no direct task to end, it waits for its release.
    const released = directRequest(['/bin/true']);
    const releasedEvents = eventsOf(launcher, 22, ended);
    launcher.send({ ...released, id: 22, after: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(existsSync(join(released.markersDir, 'claim.1')), false, 'not started yet');
    launcher.send({ id: 22, kind: 'release' });
    assert.deepEqual(
      (await releasedEvents).map((e) => e.type),
      ['started', 'exit'],
    );

    const dropped = directRequest(['/bin/true']);
    const droppedEvents = eventsOf(launcher, 23, ended);
    launcher.send({ ...dropped, id: 23, after: true });
    launcher.send({ id: 23, kind: 'drop' });
    const [answer] = await droppedEvents;
    assert.deepEqual(answer, { id: 23, type: 'error', message: 'dropped before its start' });
    assert.equal(existsSync(join(dropped.markersDir, 'claim.1')), false, 'never claimed');
  } finally {
    launcher.kill('SIGKILL');
  }
});

test('a successor waiting when the server goes away never starts', async () => {
  const launcher = startLauncher();
  const running = directRequest(['/bin/sh', '-c', 'sleep 0.3']);
  const started = eventsOf(launcher, 30, (events) => events.length === 1);
  launcher.send({ ...running, id: 30 });
  await started;
  const successor = directRequest(['/bin/true']);
  launcher.send({ ...successor, id: 31, after: true });
  await new Promise((resolve) => setTimeout(resolve, 50));
  const exited = once(launcher, 'exit');
  launcher.disconnect();
  await exited;
  assert.equal(readFileSync(join(running.markersDir, 'exit'), 'utf8'), '0\n');
  assert.equal(existsSync(join(successor.markersDir, 'claim.1')), false, 'the next server decides');
});
