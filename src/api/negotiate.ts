/** Content negotiation by the Accept header: which of the offered types the client prefers. */

interface Preference {
  type: string;
  q: number;
  order: number;
}

function parseAccept(header: string): Preference[] {
  return header
    .split(',')
    .map((part, order) => {
      const [type = '', ...params] = part.trim().toLowerCase().split(';');
      const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const q = qParam ? Number(qParam.slice(2)) : 1;
      return { type: type.trim(), q: Number.isFinite(q) ? q : 0, order };
    })
    .filter((p) => p.type && p.q > 0);
}

function matches(pattern: string, type: string): boolean {
  if (pattern === '*/*') return true;
  if (pattern.endsWith('/*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/**
 * The offered type the client prefers; the first offer when the header is absent or only
 * wildcards match equally; undefined when the client accepts none of them.
 */
export function negotiate(acceptHeader: string | undefined, offers: string[]): string | undefined {
  if (!acceptHeader?.trim()) return offers[0];
  const preferences = parseAccept(acceptHeader);
  let best: { offer: string; q: number; specific: boolean; order: number } | undefined;
  for (const offer of offers) {
    for (const p of preferences) {
      if (!matches(p.type, offer)) continue;
      const specific = !p.type.includes('*');
      const better =
        !best ||
        p.q > best.q ||
        (p.q === best.q && specific && !best.specific) ||
        (p.q === best.q && specific === best.specific && p.order < best.order);
      if (better) best = { offer, q: p.q, specific, order: p.order };
    }
  }
  return best?.offer;
}
