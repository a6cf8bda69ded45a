/** The `local` framework's definition: its name, help, options with defaults, and constructor. */
import { availableParallelism, totalmem } from 'node:os';
import type { FrameworkDefinition } from '../backend.js';

export const LOCAL_FRAMEWORK: FrameworkDefinition = {
  name: 'local',
  help:
    'Runs tasks on this machine as host processes that outlive a server restart. Limits are ' +
    'enforced by the kernel: cores → CPU affinity (and a CFS quota for fractions), memory → a ' +
    'memory cgroup (RLIMIT_AS where cgroups are not writable), cputime → RLIMIT_CPU. Tasks that ' +
    'do not fit the free cores/memory wait QUEUED and start in submit order. Tasks with an image ' +
    "run in containers through the Docker Engine API (dockerd, or Podman's compatible socket) " +
    'when the containers key resolves to docker or podman, with the same limits as engine limits.',
  options: [
    { key: 'cores', default: availableParallelism(), help: 'CPU cores tasks may use in all' },
    {
      key: 'memory',
      default: Math.floor(totalmem() / 1024 / 1024),
      help: 'memory (MiB) tasks may reserve in all',
    },
    { key: 'defaultCores', default: 1, help: 'cores reserved for a task that asks for none' },
    { key: 'paused', default: false, help: 'accept tasks but start none (drain or maintenance)' },
    { key: 'killGrace', default: 3, help: 'seconds between SIGTERM and SIGKILL on cancel' },
    {
      key: 'cgroups',
      default: 'auto',
      help: 'auto: use writable cgroups (v1 or v2) for memory/CPU limits; off: rlimits only',
    },
    {
      key: 'dockerSocket',
      default: '/var/run/docker.sock',
      help: 'unix socket of the Docker Engine API (Podman: /run/podman/podman.sock)',
    },
    {
      key: 'engineWait',
      default: 0,
      help: 'seconds a container task waits for an engine that does not answer (0: fail at once)',
    },
    {
      key: 'publishAddress',
      default: '127.0.0.1',
      help: 'host address container ports are published on (0.0.0.0: every interface)',
    },
    {
      key: 'runAs',
      default: 'pool',
      help:
        'when the server runs as root, who tasks run as: pool (each owner a uid of its own from ' +
        "uidRange, no accounts needed), owner (the owner's own Unix account), a user name (one " +
        'identity shared by all owners: needs sharedIdentity=true when auth is on), or root ' +
        '(explicitly: no isolation); ignored when the server is not root',
    },
    {
      key: 'userMap',
      default: '',
      help: 'owner=unixuser pairs, comma-separated, applied before runAs (alice=alice,bob=lab)',
    },
    {
      key: 'uidRange',
      default: '61000-61999',
      help: 'uids runAs=pool gives out, one per owner for good (kept in the store)',
    },
    {
      key: 'sharedIdentity',
      default: false,
      help: 'accept runAs=<user> or root with authentication on: all owners share one identity',
    },
  ],
  load: async () => (await import('./local-backend.js')).createLocalBackend,
};
