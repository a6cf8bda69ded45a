/**
 * Framework names as an operator may write them: any case, and the first implementation's
 * spellings from its start scripts (`-f DRMAA`, `-f Local`, `-f Kubernetes`). DRMAA was its Grid
 * Engine binding, so it names the gridengine framework.
 */

/** The first implementation's names that differ from ours (lower case). */
const ORIGINAL_NAMES: Readonly<Record<string, string>> = { drmaa: 'gridengine' };

/** `DRMAA` → `gridengine`, `Local` → `local`, `Kubernetes` → `kubernetes`. */
export function canonicalFrameworkName(name: string): string {
  const lower = name.trim().toLowerCase();
  return ORIGINAL_NAMES[lower] ?? lower;
}
