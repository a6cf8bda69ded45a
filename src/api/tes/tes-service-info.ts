/**
 * TES GetServiceInfo: the GA4GH service-info fields plus TES's `storage` and
 * `tesResources_backend_parameters`, and nothing else (clients reject unknown fields). Where
 * executors run as host processes the description says so: their image is then ignored.
 */
import { pathToFileURL } from 'node:url';
import type { TesScheme } from '../../model/tes-schemes.js';
import { VERSION } from '../../version.js';

export interface TesServiceInfo {
  id: string;
  name: string;
  type: { group: string; artifact: string; version: string };
  description: string;
  organization: { name: string; url: string };
  version: string;
  storage: string[];
  tesResources_backend_parameters: string[];
}

export interface ServiceInfoFacts {
  framework: string;
  /** How images are run: 'host' = they are not; commands run on the host. */
  containers: string;
  allowedRoots: readonly string[];
  backendParameters: readonly string[];
  /** The URL schemes switched on (config `tes.schemes`); absent = all. */
  schemes?: readonly TesScheme[];
  /** This server's own address, as the client reached it. */
  baseUrl: string;
}

export function serviceInfo(facts: ServiceInfoFacts): TesServiceInfo {
  const schemes = facts.schemes ?? ['file', 'http', 'https', 's3'];
  const where =
    facts.containers === 'host'
      ? 'Executors run as host processes: their image is ignored (containers: host), and every ' +
        'path a task names is a host path inside the allowed roots (see storage).'
      : `Executors run in their image through ${facts.containers}; each task's files live in a ` +
        'host directory of its own, bind-mounted at the paths the task names.';
  return {
    id: 'jobproxy.tes',
    name: 'JobProxy',
    type: { group: 'org.ga4gh', artifact: 'tes', version: '1.1.0' },
    description: `GA4GH TES 1.1 on the ${facts.framework} framework of JobProxy. ${where} ${filesSentence(schemes)}`,
    organization: { name: 'JobProxy', url: facts.baseUrl },
    version: VERSION,
    storage: [
      ...(schemes.includes('file')
        ? facts.allowedRoots.map((root) => pathToFileURL(root).href)
        : []),
      ...(schemes.includes('s3') ? ['s3://'] : []),
    ],
    tesResources_backend_parameters: [...facts.backendParameters],
  };
}

/** What inputs and outputs may name, as switched on. */
function filesSentence(schemes: readonly TesScheme[]): string {
  const names: Record<TesScheme, string> = {
    file: 'file:// URLs or absolute paths',
    http: 'http://',
    https: 'https://',
    s3: 's3:// (bucket/key or a prefix)',
  };
  const inputs = ['content', ...schemes.map((s) => names[s])];
  const outputs = schemes.filter((s) => s === 'file' || s === 's3').map((s) => names[s]);
  const out =
    outputs.length > 0 ? `outputs go to ${outputs.join(' or ')}` : 'outputs cannot be collected';
  return `Inputs may be ${inputs.join(', ')}; ${out}.`;
}
