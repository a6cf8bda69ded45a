/**
 * The one explicit switch from a framework name to its definition. Adding a framework is one
 * folder and one line here. An unknown name fails loudly with the names that exist. Definitions
 * are metadata; an implementation is imported by createBackend alone.
 */
import type { Backend, BackendContext, FrameworkDefinition } from './backend.js';
import { GRIDENGINE_FRAMEWORK } from './gridengine/gridengine-framework.js';
import { KUBERNETES_FRAMEWORK } from './kubernetes/kubernetes-framework.js';
import { LOCAL_FRAMEWORK } from './local/local-framework.js';
import { SLURM_FRAMEWORK } from './slurm/slurm-framework.js';

export const FRAMEWORKS: readonly FrameworkDefinition[] = [
  LOCAL_FRAMEWORK,
  SLURM_FRAMEWORK,
  GRIDENGINE_FRAMEWORK,
  KUBERNETES_FRAMEWORK,
];

export class UnknownFrameworkError extends Error {
  constructor(name: string) {
    super(
      `unknown framework "${name}"; the frameworks are: ${FRAMEWORKS.map((f) => f.name).join(', ')}`,
    );
    this.name = 'UnknownFrameworkError';
  }
}

export function findFramework(name: string): FrameworkDefinition {
  switch (name) {
    case 'local':
      return LOCAL_FRAMEWORK;
    case 'slurm':
      return SLURM_FRAMEWORK;
    case 'gridengine':
      return GRIDENGINE_FRAMEWORK;
    case 'kubernetes':
      return KUBERNETES_FRAMEWORK;
    default:
      throw new UnknownFrameworkError(name);
  }
}

/** Every option of a framework at its declared default (what a config without that section gets). */
export function frameworkDefaults(name: string): Record<string, unknown> {
  return Object.fromEntries(findFramework(name).options.map((o) => [o.key, o.default]));
}

/** Loads the framework's implementation (only here: client commands never do) and creates it. */
export async function createBackend(name: string, context: BackendContext): Promise<Backend> {
  const create = await findFramework(name).load();
  return create(context);
}
