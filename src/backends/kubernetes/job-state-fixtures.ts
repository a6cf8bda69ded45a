/**
 * Pod and Job status captured from the lab cluster (kube-apiserver and kubelet v1.34.4,
 * containerd 1.6.20) with `kubectl get pods,jobs -o json`, for Jobs built by buildJob: exit 0,
 * exit 3, a running executor, an image that is not there (imagePullPolicy Never), a nodeSelector
 * no node matches, a cputime limit of 1 s and a memory limit of 64 MiB. Trimmed to metadata name,
 * creation time and status.
 */
import type { V1Job, V1Pod } from '@kubernetes/client-node';

export interface Captured {
  pod?: V1Pod;
  job?: V1Job;
}

export const CAPTURED: Record<string, Captured> = {
  complete: {
    pod: {
      metadata: {
        name: 'jp-complete-czff7',
        creationTimestamp: '2026-12-01T20:14:34Z',
      },
      status: {
        conditions: [
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:39Z',
            observedGeneration: 1,
            status: 'False',
            type: 'PodReadyToStartContainers',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:37Z',
            observedGeneration: 1,
            reason: 'PodCompleted',
            status: 'True',
            type: 'Initialized',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:34Z',
            observedGeneration: 1,
            reason: 'PodCompleted',
            status: 'False',
            type: 'Ready',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:34Z',
            observedGeneration: 1,
            reason: 'PodCompleted',
            status: 'False',
            type: 'ContainersReady',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:34Z',
            observedGeneration: 1,
            status: 'True',
            type: 'PodScheduled',
          },
        ],
        containerStatuses: [
          {
            containerID:
              'containerd://8ef9f2c82ca9816f030a60b85e74a9e3e295f8b9b75ca2d58c3b71c6c8396947',
            image: 'k8s-lab.local/busybox:1.35',
            imageID: 'sha256:8fb7164c2122f61505ccd2f4d54c1d9f05c1283666e67b727ed5e5363e078912',
            lastState: {},
            name: 'stderr-0',
            ready: false,
            resources: {},
            restartCount: 0,
            started: false,
            state: {
              terminated: {
                containerID:
                  'containerd://8ef9f2c82ca9816f030a60b85e74a9e3e295f8b9b75ca2d58c3b71c6c8396947',
                exitCode: 0,
                finishedAt: '2026-12-01T20:14:38Z',
                message: '0 0;\n',
                reason: 'Completed',
                startedAt: '2026-12-01T20:14:38Z',
              },
            },
            volumeMounts: [
              {
                mountPath: '/.jobproxy',
                name: 'jobproxy',
              },
            ],
          },
        ],
        hostIP: '192.0.2.2',
        hostIPs: [
          {
            ip: '192.0.2.2',
          },
        ],
        initContainerStatuses: [
          {
            containerID:
              'containerd://635bfbb6198ffb3873b12a82032a36ac862e77a4e58fc24cebd19bac2505a744',
            image: 'k8s-lab.local/busybox:1.35',
            imageID: 'sha256:8fb7164c2122f61505ccd2f4d54c1d9f05c1283666e67b727ed5e5363e078912',
            lastState: {},
            name: 'jobproxy-tools',
            ready: true,
            resources: {},
            restartCount: 0,
            started: false,
            state: {
              terminated: {
                containerID:
                  'containerd://635bfbb6198ffb3873b12a82032a36ac862e77a4e58fc24cebd19bac2505a744',
                exitCode: 0,
                finishedAt: '2026-12-01T20:14:36Z',
                reason: 'Completed',
                startedAt: '2026-12-01T20:14:36Z',
              },
            },
            volumeMounts: [
              {
                mountPath: '/.jobproxy',
                name: 'jobproxy',
              },
            ],
          },
          {
            containerID:
              'containerd://831ee75184642af3f1a78d18ad155615ca4f85aba7f4034a373dd4b334c26a7b',
            image: 'k8s-lab.local/busybox:1.35',
            imageID: 'sha256:8fb7164c2122f61505ccd2f4d54c1d9f05c1283666e67b727ed5e5363e078912',
            lastState: {},
            name: 'exec-0',
            ready: true,
            resources: {},
            restartCount: 0,
            started: false,
            state: {
              terminated: {
                containerID:
                  'containerd://831ee75184642af3f1a78d18ad155615ca4f85aba7f4034a373dd4b334c26a7b',
                exitCode: 0,
                finishedAt: '2026-12-01T20:14:37Z',
                reason: 'Completed',
                startedAt: '2026-12-01T20:14:37Z',
              },
            },
            volumeMounts: [
              {
                mountPath: '/.jobproxy',
                name: 'jobproxy',
              },
            ],
          },
        ],
        observedGeneration: 1,
        phase: 'Succeeded',
        podIP: '10.244.0.26',
        podIPs: [
          {
            ip: '10.244.0.26',
          },
        ],
        qosClass: 'BestEffort',
        startTime: '2026-12-01T20:14:34Z',
      },
    },
    job: {
      metadata: {
        name: 'jp-complete',
        creationTimestamp: '2026-12-01T20:14:34Z',
      },
      status: {
        completionTime: '2026-12-01T20:14:40Z',
        conditions: [
          {
            lastProbeTime: '2026-12-01T20:14:40Z',
            lastTransitionTime: '2026-12-01T20:14:40Z',
            message: 'Reached expected number of succeeded pods',
            reason: 'CompletionsReached',
            status: 'True',
            type: 'SuccessCriteriaMet',
          },
          {
            lastProbeTime: '2026-12-01T20:14:40Z',
            lastTransitionTime: '2026-12-01T20:14:40Z',
            message: 'Reached expected number of succeeded pods',
            reason: 'CompletionsReached',
            status: 'True',
            type: 'Complete',
          },
        ],
        ready: 0,
        startTime: '2026-12-01T20:14:34Z',
        succeeded: 1,
        terminating: 0,
        uncountedTerminatedPods: {},
      },
    },
  },
  cputime: {
    pod: {
      metadata: {
        name: 'jp-cputime-ng44m',
        creationTimestamp: '2026-12-01T20:14:36Z',
      },
      status: {
        conditions: [
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:44Z',
            observedGeneration: 1,
            status: 'False',
            type: 'PodReadyToStartContainers',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:42Z',
            observedGeneration: 1,
            status: 'True',
            type: 'Initialized',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:36Z',
            observedGeneration: 1,
            reason: 'PodFailed',
            status: 'False',
            type: 'Ready',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:36Z',
            observedGeneration: 1,
            reason: 'PodFailed',
            status: 'False',
            type: 'ContainersReady',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:36Z',
            observedGeneration: 1,
            status: 'True',
            type: 'PodScheduled',
          },
        ],
        containerStatuses: [
          {
            containerID:
              'containerd://f7b2a8ed2e517a1c395456c30234bf04f2e3b5def644797f2aed392f2a6803e5',
            image: 'k8s-lab.local/busybox:1.35',
            imageID: 'sha256:8fb7164c2122f61505ccd2f4d54c1d9f05c1283666e67b727ed5e5363e078912',
            lastState: {},
            name: 'stderr-0',
            ready: false,
            resources: {},
            restartCount: 0,
            started: false,
            state: {
              terminated: {
                containerID:
                  'containerd://f7b2a8ed2e517a1c395456c30234bf04f2e3b5def644797f2aed392f2a6803e5',
                exitCode: 137,
                finishedAt: '2026-12-01T20:14:42Z',
                message: '137 0;\n',
                reason: 'Error',
                startedAt: '2026-12-01T20:14:42Z',
              },
            },
            volumeMounts: [
              {
                mountPath: '/.jobproxy',
                name: 'jobproxy',
              },
            ],
          },
        ],
        hostIP: '192.0.2.2',
        hostIPs: [
          {
            ip: '192.0.2.2',
          },
        ],
        initContainerStatuses: [
          {
            containerID:
              'containerd://0fc987c2b8eb65514bd12319b27a6aed01db84a1a8d36656aba670070e4d00aa',
            image: 'k8s-lab.local/busybox:1.35',
            imageID: 'sha256:8fb7164c2122f61505ccd2f4d54c1d9f05c1283666e67b727ed5e5363e078912',
            lastState: {},
            name: 'jobproxy-tools',
            ready: true,
            resources: {},
            restartCount: 0,
            started: false,
            state: {
              terminated: {
                containerID:
                  'containerd://0fc987c2b8eb65514bd12319b27a6aed01db84a1a8d36656aba670070e4d00aa',
                exitCode: 0,
                finishedAt: '2026-12-01T20:14:37Z',
                reason: 'Completed',
                startedAt: '2026-12-01T20:14:37Z',
              },
            },
            volumeMounts: [
              {
                mountPath: '/.jobproxy',
                name: 'jobproxy',
              },
            ],
          },
          {
            containerID:
              'containerd://127a204f1e3632a734bccdb1e20f5e0f70d35a4eb5aa42b984d1dd7c33c3bee6',
            image: 'k8s-lab.local/busybox:1.35',
            imageID: 'sha256:8fb7164c2122f61505ccd2f4d54c1d9f05c1283666e67b727ed5e5363e078912',
            lastState: {},
            name: 'exec-0',
            ready: true,
            resources: {},
            restartCount: 0,
            started: false,
            state: {
              terminated: {
                containerID:
                  'containerd://127a204f1e3632a734bccdb1e20f5e0f70d35a4eb5aa42b984d1dd7c33c3bee6',
                exitCode: 0,
                finishedAt: '2026-12-01T20:14:42Z',
                reason: 'Completed',
                startedAt: '2026-12-01T20:14:38Z',
              },
            },
            volumeMounts: [
              {
                mountPath: '/.jobproxy',
                name: 'jobproxy',
              },
            ],
          },
        ],
        observedGeneration: 1,
        phase: 'Failed',
        podIP: '10.244.0.30',
        podIPs: [
          {
            ip: '10.244.0.30',
          },
        ],
        qosClass: 'BestEffort',
        startTime: '2026-12-01T20:14:36Z',
      },
    },
    job: {
      metadata: {
        name: 'jp-cputime',
        creationTimestamp: '2026-12-01T20:14:36Z',
      },
      status: {
        conditions: [
          {
            lastProbeTime: '2026-12-01T20:14:45Z',
            lastTransitionTime: '2026-12-01T20:14:45Z',
            message: 'Job has reached the specified backoff limit',
            reason: 'BackoffLimitExceeded',
            status: 'True',
            type: 'FailureTarget',
          },
          {
            lastProbeTime: '2026-12-01T20:14:45Z',
            lastTransitionTime: '2026-12-01T20:14:45Z',
            message: 'Job has reached the specified backoff limit',
            reason: 'BackoffLimitExceeded',
            status: 'True',
            type: 'Failed',
          },
        ],
        failed: 1,
        ready: 0,
        startTime: '2026-12-01T20:14:36Z',
        terminating: 0,
        uncountedTerminatedPods: {},
      },
    },
  },
  exit3: {
    pod: {
      metadata: {
        name: 'jp-exit3-sxqd4',
        creationTimestamp: '2026-12-01T20:14:34Z',
      },
      status: {
        conditions: [
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:39Z',
            observedGeneration: 1,
            status: 'False',
            type: 'PodReadyToStartContainers',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:37Z',
            observedGeneration: 1,
            status: 'True',
            type: 'Initialized',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:34Z',
            observedGeneration: 1,
            reason: 'PodFailed',
            status: 'False',
            type: 'Ready',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:34Z',
            observedGeneration: 1,
            reason: 'PodFailed',
            status: 'False',
            type: 'ContainersReady',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:34Z',
            observedGeneration: 1,
            status: 'True',
            type: 'PodScheduled',
          },
        ],
        containerStatuses: [
          {
            containerID:
              'containerd://c6f398f286c86527d3c919683eab90fc2eef8a7dd0f4abc40cce02e1e5b1a530',
            image: 'k8s-lab.local/busybox:1.35',
            imageID: 'sha256:8fb7164c2122f61505ccd2f4d54c1d9f05c1283666e67b727ed5e5363e078912',
            lastState: {},
            name: 'stderr-0',
            ready: false,
            resources: {},
            restartCount: 0,
            started: false,
            state: {
              terminated: {
                containerID:
                  'containerd://c6f398f286c86527d3c919683eab90fc2eef8a7dd0f4abc40cce02e1e5b1a530',
                exitCode: 3,
                finishedAt: '2026-12-01T20:14:38Z',
                message: '3 0;\n',
                reason: 'Error',
                startedAt: '2026-12-01T20:14:38Z',
              },
            },
            volumeMounts: [
              {
                mountPath: '/.jobproxy',
                name: 'jobproxy',
              },
            ],
          },
        ],
        hostIP: '192.0.2.2',
        hostIPs: [
          {
            ip: '192.0.2.2',
          },
        ],
        initContainerStatuses: [
          {
            containerID:
              'containerd://a2484688510bc41f2b164dfb849b3e260c17fd9227e448f8743b6586db118ba3',
            image: 'k8s-lab.local/busybox:1.35',
            imageID: 'sha256:8fb7164c2122f61505ccd2f4d54c1d9f05c1283666e67b727ed5e5363e078912',
            lastState: {},
            name: 'jobproxy-tools',
            ready: true,
            resources: {},
            restartCount: 0,
            started: false,
            state: {
              terminated: {
                containerID:
                  'containerd://a2484688510bc41f2b164dfb849b3e260c17fd9227e448f8743b6586db118ba3',
                exitCode: 0,
                finishedAt: '2026-12-01T20:14:36Z',
                reason: 'Completed',
                startedAt: '2026-12-01T20:14:36Z',
              },
            },
            volumeMounts: [
              {
                mountPath: '/.jobproxy',
                name: 'jobproxy',
              },
            ],
          },
          {
            containerID:
              'containerd://7c68115b5f9c11204049f43b286bd199730f08528e31dde23727068832665b0c',
            image: 'k8s-lab.local/busybox:1.35',
            imageID: 'sha256:8fb7164c2122f61505ccd2f4d54c1d9f05c1283666e67b727ed5e5363e078912',
            lastState: {},
            name: 'exec-0',
            ready: true,
            resources: {},
            restartCount: 0,
            started: false,
            state: {
              terminated: {
                containerID:
                  'containerd://7c68115b5f9c11204049f43b286bd199730f08528e31dde23727068832665b0c',
                exitCode: 0,
                finishedAt: '2026-12-01T20:14:37Z',
                reason: 'Completed',
                startedAt: '2026-12-01T20:14:37Z',
              },
            },
            volumeMounts: [
              {
                mountPath: '/.jobproxy',
                name: 'jobproxy',
              },
            ],
          },
        ],
        observedGeneration: 1,
        phase: 'Failed',
        podIP: '10.244.0.27',
        podIPs: [
          {
            ip: '10.244.0.27',
          },
        ],
        qosClass: 'BestEffort',
        startTime: '2026-12-01T20:14:34Z',
      },
    },
    job: {
      metadata: {
        name: 'jp-exit3',
        creationTimestamp: '2026-12-01T20:14:34Z',
      },
      status: {
        conditions: [
          {
            lastProbeTime: '2026-12-01T20:14:40Z',
            lastTransitionTime: '2026-12-01T20:14:40Z',
            message: 'Job has reached the specified backoff limit',
            reason: 'BackoffLimitExceeded',
            status: 'True',
            type: 'FailureTarget',
          },
          {
            lastProbeTime: '2026-12-01T20:14:40Z',
            lastTransitionTime: '2026-12-01T20:14:40Z',
            message: 'Job has reached the specified backoff limit',
            reason: 'BackoffLimitExceeded',
            status: 'True',
            type: 'Failed',
          },
        ],
        failed: 1,
        ready: 0,
        startTime: '2026-12-01T20:14:34Z',
        terminating: 0,
        uncountedTerminatedPods: {},
      },
    },
  },
  neverpull: {
    pod: {
      metadata: {
        name: 'jp-neverpull-97pdp',
        creationTimestamp: '2026-12-01T20:14:35Z',
      },
      status: {
        conditions: [
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:37Z',
            observedGeneration: 1,
            status: 'True',
            type: 'PodReadyToStartContainers',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:35Z',
            message: 'containers with incomplete status: [exec-0]',
            observedGeneration: 1,
            reason: 'ContainersNotInitialized',
            status: 'False',
            type: 'Initialized',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:35Z',
            message: 'containers with unready status: [stderr-0]',
            observedGeneration: 1,
            reason: 'ContainersNotReady',
            status: 'False',
            type: 'Ready',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:35Z',
            message: 'containers with unready status: [stderr-0]',
            observedGeneration: 1,
            reason: 'ContainersNotReady',
            status: 'False',
            type: 'ContainersReady',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:35Z',
            observedGeneration: 1,
            status: 'True',
            type: 'PodScheduled',
          },
        ],
        containerStatuses: [
          {
            image: 'k8s-lab.local/busybox:1.35',
            imageID: '',
            lastState: {},
            name: 'stderr-0',
            ready: false,
            restartCount: 0,
            started: false,
            state: {
              waiting: {
                reason: 'PodInitializing',
              },
            },
            volumeMounts: [
              {
                mountPath: '/.jobproxy',
                name: 'jobproxy',
              },
            ],
          },
        ],
        hostIP: '192.0.2.2',
        hostIPs: [
          {
            ip: '192.0.2.2',
          },
        ],
        initContainerStatuses: [
          {
            containerID:
              'containerd://9c9360b1f4e2ef447cd6aff063681a31c407a7d2a6e0f9f38c38ff6cb94650df',
            image: 'k8s-lab.local/busybox:1.35',
            imageID: 'sha256:8fb7164c2122f61505ccd2f4d54c1d9f05c1283666e67b727ed5e5363e078912',
            lastState: {},
            name: 'jobproxy-tools',
            ready: true,
            resources: {},
            restartCount: 0,
            started: false,
            state: {
              terminated: {
                containerID:
                  'containerd://9c9360b1f4e2ef447cd6aff063681a31c407a7d2a6e0f9f38c38ff6cb94650df',
                exitCode: 0,
                finishedAt: '2026-12-01T20:14:36Z',
                reason: 'Completed',
                startedAt: '2026-12-01T20:14:36Z',
              },
            },
            volumeMounts: [
              {
                mountPath: '/.jobproxy',
                name: 'jobproxy',
              },
            ],
          },
          {
            image: 'k8s-lab.local/missing:1.0',
            imageID: '',
            lastState: {},
            name: 'exec-0',
            ready: false,
            restartCount: 0,
            started: false,
            state: {
              waiting: {
                message:
                  'Container image "k8s-lab.local/missing:1.0" is not present with pull policy of Never',
                reason: 'ErrImageNeverPull',
              },
            },
            volumeMounts: [
              {
                mountPath: '/.jobproxy',
                name: 'jobproxy',
              },
            ],
          },
        ],
        observedGeneration: 1,
        phase: 'Pending',
        podIP: '10.244.0.29',
        podIPs: [
          {
            ip: '10.244.0.29',
          },
        ],
        qosClass: 'BestEffort',
        startTime: '2026-12-01T20:14:35Z',
      },
    },
    job: {
      metadata: {
        name: 'jp-neverpull',
        creationTimestamp: '2026-12-01T20:14:35Z',
      },
      status: {
        active: 1,
        ready: 0,
        startTime: '2026-12-01T20:14:35Z',
        terminating: 0,
        uncountedTerminatedPods: {},
      },
    },
  },
  oom: {
    pod: {
      metadata: {
        name: 'jp-oom-pbj7w',
        creationTimestamp: '2026-12-01T20:14:37Z',
      },
      status: {
        conditions: [
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:42Z',
            observedGeneration: 1,
            status: 'False',
            type: 'PodReadyToStartContainers',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:41Z',
            observedGeneration: 1,
            status: 'True',
            type: 'Initialized',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:37Z',
            message: 'containers with unready status: [stderr-0]',
            observedGeneration: 1,
            reason: 'ContainersNotReady',
            status: 'False',
            type: 'Ready',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:37Z',
            message: 'containers with unready status: [stderr-0]',
            observedGeneration: 1,
            reason: 'ContainersNotReady',
            status: 'False',
            type: 'ContainersReady',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:37Z',
            observedGeneration: 1,
            status: 'True',
            type: 'PodScheduled',
          },
        ],
        containerStatuses: [
          {
            image: 'k8s-lab.local/busybox:1.35',
            imageID: '',
            lastState: {},
            name: 'stderr-0',
            ready: false,
            restartCount: 0,
            started: false,
            state: {
              waiting: {
                reason: 'PodInitializing',
              },
            },
            volumeMounts: [
              {
                mountPath: '/.jobproxy',
                name: 'jobproxy',
              },
            ],
          },
        ],
        hostIP: '192.0.2.2',
        hostIPs: [
          {
            ip: '192.0.2.2',
          },
        ],
        initContainerStatuses: [
          {
            containerID:
              'containerd://2390ae0d601eaeac90b1e5898288cf2d460d34637790c004d031f005b0003f62',
            image: 'k8s-lab.local/busybox:1.35',
            imageID: 'sha256:8fb7164c2122f61505ccd2f4d54c1d9f05c1283666e67b727ed5e5363e078912',
            lastState: {},
            name: 'jobproxy-tools',
            ready: true,
            resources: {},
            restartCount: 0,
            started: false,
            state: {
              terminated: {
                containerID:
                  'containerd://2390ae0d601eaeac90b1e5898288cf2d460d34637790c004d031f005b0003f62',
                exitCode: 0,
                finishedAt: '2026-12-01T20:14:38Z',
                reason: 'Completed',
                startedAt: '2026-12-01T20:14:38Z',
              },
            },
            volumeMounts: [
              {
                mountPath: '/.jobproxy',
                name: 'jobproxy',
              },
            ],
          },
          {
            allocatedResources: {
              memory: '64Mi',
            },
            containerID:
              'containerd://11211413588387eced0ace9948d4400629e18e98c23a46279ed065e03bfd5855',
            image: 'k8s-lab.local/busybox:1.35',
            imageID: 'sha256:8fb7164c2122f61505ccd2f4d54c1d9f05c1283666e67b727ed5e5363e078912',
            lastState: {},
            name: 'exec-0',
            ready: true,
            resources: {
              limits: {
                memory: '64Mi',
              },
              requests: {
                memory: '64Mi',
              },
            },
            restartCount: 0,
            started: false,
            state: {
              terminated: {
                containerID:
                  'containerd://11211413588387eced0ace9948d4400629e18e98c23a46279ed065e03bfd5855',
                exitCode: 0,
                finishedAt: '2026-12-01T20:14:41Z',
                reason: 'OOMKilled',
                startedAt: '2026-12-01T20:14:39Z',
              },
            },
            volumeMounts: [
              {
                mountPath: '/.jobproxy',
                name: 'jobproxy',
              },
            ],
          },
        ],
        observedGeneration: 1,
        phase: 'Pending',
        podIP: '10.244.0.31',
        podIPs: [
          {
            ip: '10.244.0.31',
          },
        ],
        qosClass: 'Burstable',
        startTime: '2026-12-01T20:14:37Z',
      },
    },
    job: {
      metadata: {
        name: 'jp-oom',
        creationTimestamp: '2026-12-01T20:14:37Z',
      },
      status: {
        active: 1,
        ready: 0,
        startTime: '2026-12-01T20:14:37Z',
        terminating: 0,
        uncountedTerminatedPods: {},
      },
    },
  },
  running: {
    pod: {
      metadata: {
        name: 'jp-running-dx579',
        creationTimestamp: '2026-12-01T20:14:35Z',
      },
      status: {
        conditions: [
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:36Z',
            observedGeneration: 1,
            status: 'True',
            type: 'PodReadyToStartContainers',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:35Z',
            message: 'containers with incomplete status: [exec-0]',
            observedGeneration: 1,
            reason: 'ContainersNotInitialized',
            status: 'False',
            type: 'Initialized',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:35Z',
            message: 'containers with unready status: [stderr-0]',
            observedGeneration: 1,
            reason: 'ContainersNotReady',
            status: 'False',
            type: 'Ready',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:35Z',
            message: 'containers with unready status: [stderr-0]',
            observedGeneration: 1,
            reason: 'ContainersNotReady',
            status: 'False',
            type: 'ContainersReady',
          },
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:35Z',
            observedGeneration: 1,
            status: 'True',
            type: 'PodScheduled',
          },
        ],
        containerStatuses: [
          {
            image: 'k8s-lab.local/busybox:1.35',
            imageID: '',
            lastState: {},
            name: 'stderr-0',
            ready: false,
            restartCount: 0,
            started: false,
            state: {
              waiting: {
                reason: 'PodInitializing',
              },
            },
            volumeMounts: [
              {
                mountPath: '/.jobproxy',
                name: 'jobproxy',
              },
            ],
          },
        ],
        hostIP: '192.0.2.2',
        hostIPs: [
          {
            ip: '192.0.2.2',
          },
        ],
        initContainerStatuses: [
          {
            containerID:
              'containerd://e8407468a04493e3526c620755d9f31c577015db35f50fde700bb892c7da018f',
            image: 'k8s-lab.local/busybox:1.35',
            imageID: 'sha256:8fb7164c2122f61505ccd2f4d54c1d9f05c1283666e67b727ed5e5363e078912',
            lastState: {},
            name: 'jobproxy-tools',
            ready: true,
            resources: {},
            restartCount: 0,
            started: false,
            state: {
              terminated: {
                containerID:
                  'containerd://e8407468a04493e3526c620755d9f31c577015db35f50fde700bb892c7da018f',
                exitCode: 0,
                finishedAt: '2026-12-01T20:14:36Z',
                reason: 'Completed',
                startedAt: '2026-12-01T20:14:36Z',
              },
            },
            volumeMounts: [
              {
                mountPath: '/.jobproxy',
                name: 'jobproxy',
              },
            ],
          },
          {
            containerID:
              'containerd://a0a5111740966140041c9a9300c3b287964d4405471be90abb2ee6a6163395bf',
            image: 'k8s-lab.local/busybox:1.35',
            imageID: 'sha256:8fb7164c2122f61505ccd2f4d54c1d9f05c1283666e67b727ed5e5363e078912',
            lastState: {},
            name: 'exec-0',
            ready: false,
            resources: {},
            restartCount: 0,
            started: true,
            state: {
              running: {
                startedAt: '2026-12-01T20:14:38Z',
              },
            },
            volumeMounts: [
              {
                mountPath: '/.jobproxy',
                name: 'jobproxy',
              },
            ],
          },
        ],
        observedGeneration: 1,
        phase: 'Pending',
        podIP: '10.244.0.28',
        podIPs: [
          {
            ip: '10.244.0.28',
          },
        ],
        qosClass: 'BestEffort',
        startTime: '2026-12-01T20:14:35Z',
      },
    },
    job: {
      metadata: {
        name: 'jp-running',
        creationTimestamp: '2026-12-01T20:14:35Z',
      },
      status: {
        active: 1,
        ready: 0,
        startTime: '2026-12-01T20:14:35Z',
        terminating: 0,
        uncountedTerminatedPods: {},
      },
    },
  },
  unschedulable: {
    pod: {
      metadata: {
        name: 'jp-unschedulable-dv8g7',
        creationTimestamp: '2026-12-01T20:14:35Z',
      },
      status: {
        conditions: [
          {
            lastProbeTime: null,
            lastTransitionTime: '2026-12-01T20:14:36Z',
            message:
              "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
            observedGeneration: 1,
            reason: 'Unschedulable',
            status: 'False',
            type: 'PodScheduled',
          },
        ],
        phase: 'Pending',
        qosClass: 'BestEffort',
      },
    },
    job: {
      metadata: {
        name: 'jp-unschedulable',
        creationTimestamp: '2026-12-01T20:14:35Z',
      },
      status: {
        active: 1,
        ready: 0,
        startTime: '2026-12-01T20:14:35Z',
        terminating: 0,
        uncountedTerminatedPods: {},
      },
    },
  },
} as unknown as Record<string, Captured>;
