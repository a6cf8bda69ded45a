import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { Launcher } from './launcher.js';

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
