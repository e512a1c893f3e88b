// Page search params (Next passes a record) ↔ the plain objects the zod schemas read.

export type RawSearchParams = Record<string, string | string[] | undefined>;

export function searchParamsFromRecord(raw: RawSearchParams, arrays: string[] = []): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    if (arrays.includes(k)) out[k] = Array.isArray(v) ? v : [v];
    else out[k] = Array.isArray(v) ? v[v.length - 1] : v;
  }
  return out;
}

/** The same view with some parameters replaced (undefined removes one). */
export function withParams(raw: RawSearchParams, changes: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined || k in changes) continue;
    for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
  }
  for (const [k, v] of Object.entries(changes)) if (v !== undefined) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : "?";
}
