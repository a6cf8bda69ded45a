import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTaskXml } from '../api/xml-codec.js';
import { JobProxyError } from '../errors.js';
import { parseV1Task } from './validate-v1.js';

/** The field paths of the problems parseV1Task reports for `body`. */
function problemFields(body: unknown): string[] {
  try {
    parseV1Task(body);
  } catch (error) {
    assert.ok(error instanceof JobProxyError);
    assert.equal(error.code, 'INVALID_TASK');
    return (error.details ?? []).map((d) => d.field);
  }
  assert.fail(`accepted ${JSON.stringify(body)}`);
}

const PAIR = { host: 8080, container: 80 };
const MOUNT = { host: '/data', container: '/in', mode: 'ro' };

test('cmd as a string runs under /bin/sh -c', () => {
  const spec = parseV1Task({ user: 'alice', cmd: 'echo $HOME; ls' });
  assert.deepEqual(spec.executors, [{ command: ['/bin/sh', '-c', 'echo $HOME; ls'] }]);
  assert.equal(spec.user, 'alice');
  assert.equal(spec.origin, 'v1');
});

test('cmd as an array is argv, no shell', () => {
  const spec = parseV1Task({ user: 'alice', cmd: ['/bin/echo', '$HOME', 'a;b'] });
  assert.deepEqual(spec.executors[0]!.command, ['/bin/echo', '$HOME', 'a;b']);
});

test('a one-element cmd is a command line, unless it is one plain path (then no shell is needed)', () => {
  const commandOf = (cmd: unknown) => parseV1Task({ user: 'a', cmd }).executors[0]!.command;
  assert.deepEqual(commandOf(['/bin/echo hello world']), [
    '/bin/sh',
    '-c',
    '/bin/echo hello world',
  ]);
  for (const plain of ['/bin/true', './run.sh', 'bin/tool-1.2', '/opt/x86_64/a+b,c:d@e%f']) {
    assert.deepEqual(commandOf([plain]), [plain], plain);
  }
  // Anything a shell would look up, expand or parse keeps the shell.
  for (const word of [
    'true',
    'ls',
    '~/bin/x',
    '/bin/*',
    '$HOME/x',
    '/a;b',
    'X=1/y',
    '-x/y',
    '/a b',
  ]) {
    assert.deepEqual(commandOf([word]), ['/bin/sh', '-c', word], word);
  }
  // A string is always a command line, and a container's cmd is left as it was.
  assert.deepEqual(commandOf('/bin/true'), ['/bin/sh', '-c', '/bin/true']);
  const container = parseV1Task({
    user: 'a',
    container: { image: 'alpine:3' },
    cmd: ['/bin/true'],
  });
  assert.deepEqual(container.executors[0]!.command, ['/bin/sh', '-c', '/bin/true']);
});

test('resources: numbers as given, strings with units converted', () => {
  assert.deepEqual(
    parseV1Task({ user: 'a', cmd: 'true', cores: 0.5, memory: 128, cputime: 10 }).resources,
    {
      cores: 0.5,
      memoryMiB: 128,
      cputimeSec: 10,
    },
  );
  assert.deepEqual(parseV1Task({ user: 'a', cmd: 'true', memory: '2G', cputime: '2h' }).resources, {
    memoryMiB: 2048,
    cputimeSec: 7200,
  });
  assert.deepEqual(
    parseV1Task({ user: 'a', cmd: 'true', memory: '512M', cputime: '90s' }).resources,
    {
      memoryMiB: 512,
      cputimeSec: 90,
    },
  );
});

test('stdout and stderr paths go to the executor', () => {
  const spec = parseV1Task({ user: 'a', cmd: 'true', stdout: '/tmp/o', stderr: '/tmp/e' });
  assert.equal(spec.executors[0]!.stdout, '/tmp/o');
  assert.equal(spec.executors[0]!.stderr, '/tmp/e');
});

test('a container task: image, its cmd, or the task cmd as its command', () => {
  const own = parseV1Task({ user: 'a', container: { image: 'alpine:3', cmd: ['echo', 'hi'] } });
  assert.deepEqual(own.executors, [{ image: 'alpine:3', command: ['echo', 'hi'] }]);
  const outer = parseV1Task({ user: 'a', cmd: 'echo hi', container: { image: 'alpine:3' } });
  assert.deepEqual(outer.executors[0]!.command, ['/bin/sh', '-c', 'echo hi']);
  const imageDefault = parseV1Task({ user: 'a', container: { image: 'alpine:3' } });
  assert.deepEqual(imageDefault.executors[0]!.command, [], "the image's own command");
});

test('ports in every shape the first implementation sent', () => {
  const shapes = [{ port: PAIR }, [{ port: PAIR }], PAIR, [PAIR], { port: [PAIR] }];
  for (const ports of shapes) {
    const spec = parseV1Task({ user: 'a', container: { image: 'x', ports } });
    assert.deepEqual(spec.executors[0]!.ports, [PAIR], JSON.stringify(ports));
  }
  const two = parseV1Task({
    user: 'a',
    container: { image: 'x', ports: [{ port: PAIR }, { port: { host: 1, container: 2 } }] },
  });
  assert.deepEqual(two.executors[0]!.ports, [PAIR, { host: 1, container: 2 }]);
});

test('mounts in every shape, mode defaulting to rw', () => {
  for (const mounts of [{ mount: MOUNT }, [{ mount: MOUNT }], MOUNT, [MOUNT]]) {
    const spec = parseV1Task({ user: 'a', container: { image: 'x', mounts } });
    assert.deepEqual(spec.executors[0]!.mounts, [MOUNT], JSON.stringify(mounts));
  }
  const noMode = parseV1Task({
    user: 'a',
    container: { image: 'x', mounts: { mount: { host: '/a', container: '/b' } } },
  });
  assert.deepEqual(noMode.executors[0]!.mounts, [{ host: '/a', container: '/b', mode: 'rw' }]);
  // Jackson writes an unset mode as null: absent, so rw.
  const nullMode = parseV1Task({
    user: 'a',
    container: { image: 'x', mounts: { mount: { ...MOUNT, mode: null } } },
  });
  assert.equal(nullMode.executors[0]!.mounts![0]!.mode, 'rw');
  assert.deepEqual(
    problemFields({
      user: 'a',
      container: { image: 'x', mounts: { mount: { ...MOUNT, mode: 'rx' } } },
    }),
    ['container.mounts.mount.mode'],
  );
});

test('XML with repeated <ports> and <mounts> decodes to the same task', () => {
  const xml = `<task><user>a</user><container><image>x</image>
    <ports><port><host>8080</host><container>80</container></port></ports>
    <ports><port><host>1</host><container>2</container></port></ports>
    <mounts><mount><host>/data</host><container>/in</container><mode>ro</mode></mount></mounts>
    <cmd>echo hi</cmd></container></task>`;
  const spec = parseV1Task(decodeTaskXml(xml));
  assert.deepEqual(spec.executors[0], {
    image: 'x',
    command: ['/bin/sh', '-c', 'echo hi'],
    ports: [PAIR, { host: 1, container: 2 }],
    mounts: [MOUNT],
  });
});

test('XML numbers become numbers; repeated <cmd> elements are argv', () => {
  const spec = parseV1Task(
    decodeTaskXml(
      '<task><user>a</user><cores>2</cores><memory>1G</memory><cmd>/bin/echo</cmd><cmd>$HOME</cmd></task>',
    ),
  );
  assert.deepEqual(spec.resources, { cores: 2, memoryMiB: 1024 });
  assert.deepEqual(spec.executors[0]!.command, ['/bin/echo', '$HOME']);
});

test('every problem is reported at once with its field path', () => {
  const fields = problemFields({
    user: '',
    cmd: ['ls', 3],
    cores: 0,
    memory: '1X',
    cputime: -1,
    stdout: 'rel',
    stderr: '/a/../b',
    extra: true,
  });
  assert.deepEqual(fields.sort(), [
    'cmd[1]',
    'cores',
    'cputime',
    'extra',
    'memory',
    'stderr',
    'stdout',
    'user',
  ]);
});

test('container problems carry their full paths', () => {
  const fields = problemFields({
    user: 'a',
    container: {
      cmd: 7,
      ports: [{ port: { host: 0, container: 80 } }, { host: 80 }],
      mounts: { mount: { host: 'rel', container: '/in', mode: 'rx' } },
      shm: 1,
    },
  });
  assert.deepEqual(fields.sort(), [
    'container.cmd',
    'container.image',
    'container.mounts.mount.host',
    'container.mounts.mount.mode',
    'container.ports[0].port.host',
    'container.ports[1].container',
    'container.shm',
  ]);
});

test('a body that is no task object', () => {
  for (const body of [undefined, null, 'x', 3, [], [{ user: 'a' }]]) {
    assert.deepEqual(problemFields(body), ['task'], JSON.stringify(body));
  }
});

test('neither cmd nor container, or the command given twice, is a cmd problem', () => {
  assert.deepEqual(problemFields({ user: 'a' }), ['cmd']);
  assert.deepEqual(problemFields({ user: 'a', cmd: 'x', container: { image: 'i', cmd: 'y' } }), [
    'cmd',
  ]);
});
