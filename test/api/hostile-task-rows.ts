/**
 * Hostile-input rows of well-formed JSON tasks with bad fields: wrong types, no amounts, unknown
 * fields at every level, empty or forbidden values, and valid tasks the framework cannot run.
 */
import { availableParallelism, totalmem } from 'node:os';
import type { ErrorCode } from '../../src/errors.js';
import { rawJson, type HostileRow } from './hostile-rows.js';

/** A submit of a task object as JSON; the task is invalid (400 INVALID_TASK) unless told. */
function task(
  name: string,
  body: unknown,
  names: string,
  code: ErrorCode = 'INVALID_TASK',
): HostileRow {
  return rawJson(name, JSON.stringify(body), code, names);
}

const OK = { user: 'alice', cmd: 'true' };
const IMAGE = { user: 'alice', container: { image: 'alpine:3' } };

export const TASK_ROWS: HostileRow[] = [
  // Wrong types, field by field.
  task('user is a number', { ...OK, user: 7 }, 'user'),
  task('cmd is an object', { ...OK, cmd: { run: 'ls' } }, 'cmd'),
  task('cmd array holds a number', { ...OK, cmd: ['ls', 1] }, 'cmd[1]'),
  task('cores is "abc"', { ...OK, cores: 'abc' }, 'cores'),
  task('memory is true', { ...OK, memory: true }, 'memory'),
  task('cputime is []', { ...OK, cputime: [] }, 'cputime'),
  task('stdout is a number', { ...OK, stdout: 1 }, 'stdout'),
  task('container is a string', { user: 'a', container: 'alpine' }, 'container'),
  task('container.image is a number', { user: 'a', container: { image: 3 } }, 'container.image'),
  task(
    'port host is a string',
    { user: 'a', container: { image: 'x', ports: { port: { host: '80', container: 80 } } } },
    'container.ports.port.host',
  ),

  // Resources that are no amount.
  task('zero cores', { ...OK, cores: 0 }, 'cores'),
  task('negative memory', { ...OK, memory: -512 }, 'memory'),
  task('cputime "NaN"', { ...OK, cputime: 'NaN' }, 'cputime'),
  task('cores "NaN"', { ...OK, cores: 'NaN' }, 'cores'),
  rawJson(
    'memory 1e400 (Infinity)',
    '{"user":"a","cmd":"true","memory":1e400}',
    'INVALID_TASK',
    'memory',
  ),
  task('cputime "Infinity"', { ...OK, cputime: 'Infinity' }, 'cputime'),
  task('memory with an unknown unit', { ...OK, memory: '12X' }, 'memory'),
  task('memory absurdly large', { ...OK, memory: 1e13 }, 'memory'),

  // Unknown fields at every level.
  task('unknown top-level field', { ...OK, gpus: 2 }, 'gpus'),
  task(
    'unknown container field',
    { user: 'a', container: { image: 'x', privileged: true } },
    'container.privileged',
  ),
  task(
    'unknown port field',
    {
      user: 'a',
      container: { image: 'x', ports: { port: { host: 1, container: 2, proto: 'udp' } } },
    },
    'container.ports.port.proto',
  ),
  task(
    'unknown key beside a port wrapper',
    {
      user: 'a',
      container: { image: 'x', ports: [{ port: { host: 1, container: 2 }, extra: 1 }] },
    },
    'container.ports[0].extra',
  ),
  task(
    'unknown mount field',
    {
      user: 'a',
      container: {
        image: 'x',
        mounts: { mount: { host: '/a', container: '/b', mode: 'ro', type: 'bind' } },
      },
    },
    'container.mounts.mount.type',
  ),

  // Required, empty and forbidden values.
  task('empty user', { ...OK, user: '' }, 'user'),
  task('whitespace user', { ...OK, user: '   ' }, 'user'),
  task('missing user', { cmd: 'true' }, 'user'),
  task('neither cmd nor container', { user: 'a', cores: 1 }, 'cmd'),
  task('empty cmd string', { ...OK, cmd: '' }, 'cmd'),
  task('empty cmd array', { ...OK, cmd: [] }, 'cmd'),
  task('NUL in cmd', { ...OK, cmd: 'echo a\u0000b' }, 'cmd'),
  task('NUL in an argv element', { ...OK, cmd: ['echo', 'a\u0000b'] }, 'cmd[1]'),
  task('relative stdout', { ...OK, stdout: 'out.txt' }, 'stdout'),
  task('stdout with ..', { ...OK, stdout: '/tmp/../etc/passwd' }, 'stdout'),
  task('relative stderr', { ...OK, stderr: 'logs/err.txt' }, 'stderr'),
  task(
    'mount host relative',
    {
      user: 'a',
      container: {
        image: 'x',
        mounts: [{ mount: { host: 'data', container: '/data', mode: 'ro' } }],
      },
    },
    'container.mounts[0].mount.host',
  ),
  task(
    'mount mode "rx"',
    {
      user: 'a',
      container: { image: 'x', mounts: { mount: { host: '/a', container: '/a', mode: 'rx' } } },
    },
    'container.mounts.mount.mode',
  ),
  task(
    'port 0',
    { user: 'a', container: { image: 'x', ports: [{ port: { host: 0, container: 80 } }] } },
    'container.ports[0].port.host',
  ),
  task(
    'port 70000',
    { user: 'a', container: { image: 'x', ports: [{ port: { host: 80, container: 70000 } }] } },
    'container.ports[0].port.container',
  ),
  task(
    'port 1.5 in a bare list',
    {
      user: 'a',
      container: {
        image: 'x',
        ports: [
          { host: 80, container: 80 },
          { host: 1.5, container: 80 },
        ],
      },
    },
    'container.ports[1].host',
  ),
  task('container without image', { user: 'a', container: { cmd: 'echo hi' } }, 'container.image'),
  task(
    'both cmd and container.cmd',
    { user: 'a', cmd: 'echo a', container: { image: 'x', cmd: 'echo b' } },
    'cmd',
  ),

  // Valid tasks this framework cannot run.
  task(
    'more cores than the machine has',
    { ...OK, cores: availableParallelism() + 1 },
    'cores',
    'EXCEEDS_CAPACITY',
  ),
  task(
    'more memory than the machine has',
    { ...OK, memory: Math.ceil(totalmem() / 2 ** 20) * 2 },
    'memory',
    'EXCEEDS_CAPACITY',
  ),
  task('container task on local with no container engine', IMAGE, 'container', 'UNSUPPORTED_FIELD'),
];
