/**
 * Framework names as an operator may write them: any case, and the first implementation's
 * spellings from its start scripts (`-f DRMAA`, `-f Local`, `-f Kubernetes`). DRMAA was its Grid
 * Engine binding, so it names the gridengine framework.
 */

/** The first implementation's names that differ from ours, as its start scripts wrote them. */
const ORIGINAL_NAMES: Readonly<Record<string, string>> = { DRMAA: 'gridengine' };
const BY_LOWER_CASE = new Map(
  Object.entries(ORIGINAL_NAMES).map(([original, ours]) => [original.toLowerCase(), ours]),
);

/** `DRMAA` → `gridengine`, `Local` → `local`, `Kubernetes` → `kubernetes`. */
export function canonicalFrameworkName(name: string): string {
  const lower = name.trim().toLowerCase();
  return BY_LOWER_CASE.get(lower) ?? lower;
}

/** The first implementation's other names for a framework (`gridengine` → `['DRMAA']`). */
export function originalNamesOf(name: string): string[] {
  return Object.entries(ORIGINAL_NAMES).flatMap(([original, ours]) =>
    ours === name ? [original] : [],
  );
}
