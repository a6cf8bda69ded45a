/**
 * The server's configuration: one typed object, layered defaults < file < JOBPROXY_* env < flags,
 * validated once (unknown keys are errors) and frozen. Framework options live under the
 * framework's name (`local.cores`, `slurm.partition`).
 */

export interface Config {
  /** Where the server listens, as the first implementation wrote it. */
  serveruri: string;
  /** Which framework runs tasks (see src/backends/create-backend.ts). */
  framework: string;
  /**
   * The server's private state directory (mode 0700): the store by default, supervisor scripts
   * and markers. No path a request may name can lie in it (checked at start).
   */
  state: string;
  /** SQLite file of the store; empty = `<state>/jobproxy.db`. */
  store: string;
  /** Directory for the tasks' own files (default outputs), owned by each task's owner. */
  workdir: string;
  /** Log every request and response. */
  debug: boolean;
  /** pino level: trace, debug, info, warn, error, fatal, silent. */
  log: string;
  /** Largest request body accepted, bytes. */
  bodyLimit: number;
  /** How often unfinished jobs are polled, ms (`pollInterval` is its older alias). */
  pollIntervalMs: number;
  /** How container images are run: auto (the framework's engine, else host), docker, podman, apptainer, host. */
  containers: string;
  /**
   * Host directories a task may name (container mounts); a path outside all of them is refused
   * with 400. Empty (the default) = the workdir alone. A properties file or the environment
   * gives them comma-separated.
   */
  allowedRoots: string[];
  /**
   * auto: tokens are required when `auth.tokens` names a token file, and a server listening
   * beyond loopback refuses to start without one; none: no authentication anywhere (explicit,
   * warned about at every start).
   */
  auth: string;
  /** The token file (`auth.tokens`; see `jobproxy token create`). Empty = none. */
  authTokens: string;
  /** Per user: most tasks queued or running at once (0 = no cap). Over it: 429. */
  maxActiveTasks: number;
  /** Per user: submits per second, with bursts of twice that (0 = no cap). Over it: 429. */
  submitRate: number;
  /** TES URL schemes switched on (`tes.schemes`): file (file:// and absolute paths), http, https, s3. */
  tesSchemes: string[];
  /** S3 for TES inputs/outputs (`tes.s3.*`); empty = what the AWS SDK finds (AWS_* variables…). */
  tesS3Endpoint: string;
  /**
   * Addresses or CIDR ranges http(s) inputs may be fetched from although they are denied by
   * default (loopback, link-local, unspecified), e.g. 127.0.0.1 for a local file server.
   */
  tesHttpAllow: string[];
  /** Largest http(s) input, bytes (0: no cap). */
  tesHttpMaxBytes: number;
  tesS3Region: string;
  /** Address buckets as endpoint/bucket, as most S3-compatible servers need. */
  tesS3ForcePathStyle: boolean;
  /** Static S3 credentials, both or neither; neither = the SDK's default credential chain. */
  tesS3AccessKeyId: string;
  tesS3SecretAccessKey: string;
  /**
   * Host names the server answers besides loopback names and serveruri's host (DNS rebinding
   * guard); `*.example.org` allows subdomains. Comma-separated in a properties file or the env.
   */
  allowedHosts: string[];
  /**
   * How long finished tasks are kept (their rows and directories), a duration such as "30d",
   * "12h" or "3600" (seconds); "0" keeps them forever.
   */
  retention: string;
  /** Options per framework name, already checked against that framework's declared options. */
  frameworks: Record<string, Record<string, unknown>>;
}

export const DEFAULT_CONFIG: Omit<Config, 'frameworks'> = {
  serveruri: 'http://localhost:9999/',
  framework: 'local',
  state: './jobproxy-state',
  store: '',
  workdir: './jobproxy-work',
  debug: false,
  log: 'info',
  bodyLimit: 1024 * 1024,
  pollIntervalMs: 1000,
  containers: 'auto',
  allowedRoots: [],
  auth: 'auto',
  authTokens: '',
  maxActiveTasks: 0,
  submitRate: 0,
  tesSchemes: ['file', 'http', 'https', 's3'],
  tesS3Endpoint: '',
  tesHttpAllow: [],
  tesHttpMaxBytes: 16 * 1024 ** 3,
  tesS3Region: '',
  tesS3ForcePathStyle: false,
  tesS3AccessKeyId: '',
  tesS3SecretAccessKey: '',
  allowedHosts: [],
  retention: '30d',
};
