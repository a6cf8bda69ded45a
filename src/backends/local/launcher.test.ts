import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { test } from 'node:test';
import { forkLauncher, Launcher } from './launcher.js';

/** A launcher process whose fork failed: Node emits 'error' (EAGAIN, ENOMEM) and never runs it. */
function failedFork(): ChildProcess {
  const child = new EventEmitter() as unknown as ChildProcess & { connected: boolean };
  Object.assign(child, {
    connected: true,
    send: (_message: unknown, callback?: (error: Error | null) => void) => {
      setImmediate(() =>
        child.emit('error', Object.assign(new Error('spawn EAGAIN'), { code: 'EAGAIN' })),
      );
      callback?.(null);
      return true;
    },
    unref: () => undefined,
    disconnect: () => undefined,
    channel: { unref: () => undefined },
  });
  return child;
}

test('a launcher whose fork fails fails the launch; nothing is thrown at the process', async () => {
  let forks = 0;
  const launcher = new Launcher(() => {
    forks++;
    return failedFork();
  });
  const request = { script: 'true', marker: 'm', cwd: '/', env: {} };
  await assert.rejects(
    launcher.launch(request, () => undefined),
    /the launcher failed: spawn EAGAIN/,
  );
  // The next launch tries a new launcher rather than the broken one.
  await assert.rejects(
    launcher.launch(request, () => undefined),
    /spawn EAGAIN/,
  );
  assert.equal(forks, 2);
  launcher.close();
});

test('an idle launcher goes away and the next launch forks a new one; a busy one stays', async () => {
  process.env.JOBPROXY_LAUNCHER_IDLE_MS = '150';
  // The launcher and its channel are unref'd (they must not hold a server up): hold the test.
  const keepAlive = setInterval(() => undefined, 1000);
  const forked: ChildProcess[] = [];
  const launcher = new Launcher(() => {
    const child = forkLauncher();
    forked.push(child);
    return child;
  });
  try {
    const exited = (child: ChildProcess) =>
      child.exitCode !== null ? Promise.resolve() : once(child, 'exit');
    const run = (script: string) =>
      new Promise<number>((ended) => {
        void launcher.launch({ script, marker: 'm', cwd: '/', env: {} }, ended);
      });
    // Busy for longer than the idle time: the launcher must not go while its task runs.
    await run('sleep 0.5');
    assert.equal(forked.length, 1);
    assert.equal(forked[0]!.exitCode, null, 'kept while a task of its ran');
    await exited(forked[0]!);
    await run('true');
    assert.equal(forked.length, 2, 'a new launcher for the launch after the idle one left');
  } finally {
    delete process.env.JOBPROXY_LAUNCHER_IDLE_MS;
    clearInterval(keepAlive);
    launcher.close();
    for (const child of forked) child.kill();
  }
});
