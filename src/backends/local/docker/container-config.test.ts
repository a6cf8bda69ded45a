import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerConfig, readCpuHardLimit } from './container-config.js';

const base = {
  taskId: 't1',
  executorIndex: 0,
  instance: 'inst',
  cpus: [] as number[],
  publishAddress: '127.0.0.1',
};

test('labels, name, argv, init; no limits when none were asked', () => {
  const config = containerConfig({
    ...base,
    executor: { image: 'img', command: ['echo', 'a b'] },
    resources: {},
  });
  assert.equal(config.name, 'jobproxy-t1-0');
  assert.deepEqual(config.Labels, {
    'jobproxy.task': 't1',
    'jobproxy.executor': '0',
    'jobproxy.instance': 'inst',
  });
  assert.deepEqual(config.Cmd, ['echo', 'a b']);
  assert.equal(config.HostConfig?.Init, true);
  assert.equal(config.HostConfig?.Memory, undefined);
  assert.equal(config.HostConfig?.NanoCpus, undefined);
});

test('an empty command keeps the image default', () => {
  const config = containerConfig({
    ...base,
    executor: { image: 'img', command: [] },
    resources: {},
  });
  assert.equal(config.Cmd, undefined);
});

test('cores, memory and cputime become engine limits', () => {
  const config = containerConfig({
    ...base,
    cpus: [1, 3],
    executor: { image: 'img', command: ['x'] },
    resources: { cores: 2, memoryMiB: 64, cputimeSec: 2.5 },
  });
  const host = config.HostConfig!;
  assert.equal(host.NanoCpus, 2e9);
  assert.equal(host.CpusetCpus, '1,3');
  assert.equal(host.Memory, 64 * 1024 * 1024);
  assert.equal(host.MemorySwap, 64 * 1024 * 1024);
  assert.deepEqual(host.Ulimits, [{ Name: 'cpu', Soft: 3, Hard: 4 }]);
});

test('cputime stays within the hard limit the engine has', () => {
  const config = containerConfig({
    ...base,
    cpuHardLimit: 10,
    executor: { image: 'img', command: ['x'] },
    resources: { cputimeSec: 60 },
  });
  assert.deepEqual(config.HostConfig?.Ulimits, [{ Name: 'cpu', Soft: 10, Hard: 10 }]);
});

test('ports are published on the configured address; mounts are binds with their mode', () => {
  const config = containerConfig({
    ...base,
    executor: {
      image: 'img',
      command: ['x'],
      ports: [{ host: 8080, container: 80 }],
      mounts: [
        { host: '/w/a', container: '/a', mode: 'ro' },
        { host: '/w/b', container: '/b', mode: 'rw' },
      ],
    },
    resources: {},
  });
  assert.deepEqual(config.ExposedPorts, { '80/tcp': {} });
  assert.deepEqual(config.HostConfig?.PortBindings, {
    '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }],
  });
  assert.deepEqual(config.HostConfig?.Mounts, [
    { Type: 'bind', Source: '/w/a', Target: '/a', ReadOnly: true },
    { Type: 'bind', Source: '/w/b', Target: '/b', ReadOnly: false },
  ]);
});

test('the hard cpu limit is read from /proc/self/limits text', () => {
  const header = 'Limit                     Soft Limit           Hard Limit           Units\n';
  assert.equal(
    readCpuHardLimit(
      `${header}Max cpu time              unlimited            unlimited            seconds\n`,
    ),
    undefined,
  );
  assert.equal(
    readCpuHardLimit(
      `${header}Max cpu time              100                  200                  seconds\n`,
    ),
    200,
  );
});
