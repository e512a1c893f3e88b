// The run page's samples and diagnostics, polled live as its log lines are: a poll says what the
// page holds of each (how many, and the largest row id among them) and the server answers with
// the rows stored after that id (samplesAfter / diagnosticsAfter set) — none when nothing is new —
// or with all of them when the store no longer holds what the page does up to there (a resumed
// run dropped some) or the run has ended (the last answer is then what a fresh load shows).
// The store's readSamples / readDiagnostics (prisma/store/metrics.ts) read both ways.

/** A row the page holds: a sample or a diagnostic, keyed by its id, shown in (step, id) order. */
export interface LiveRow {
  id: number;
  step: number;
}

/** What the page holds of `rows`, as the live poll's query: <name>=<count>&<name>After=<largest id>. */
export function heldRowsQuery(name: "samples" | "diagnostics", rows: readonly LiveRow[]): string {
  let lastId = 0;
  for (const r of rows) if (r.id > lastId) lastId = r.id;
  return `${name}=${rows.length}&${name}After=${lastId}`;
}

const stepThenId = (a: LiveRow, b: LiveRow) => a.step - b.step || a.id - b.id;

/**
 * `held` with a poll's answer merged in (pure; nothing added keeps the array): with `after`, the
 * held rows up to that id and the answer's after them (a row held past it — a late answer's —
 * is the answer's to give), in (step, id) order as a fresh load reads them; without, the answer.
 */
export function mergeLiveRows<R extends LiveRow>(held: R[], answer: R[], after: number | undefined): R[] {
  if (after === undefined) return answer;
  const kept = held.every((r) => r.id <= after) ? held : held.filter((r) => r.id <= after);
  if (answer.length === 0) return kept;
  const merged = [...kept, ...answer];
  // rows come in id order; one stored after another at a later step (rare) takes its step's place
  for (let i = 1; i < merged.length; i++) if (stepThenId(merged[i - 1], merged[i]) > 0) return merged.sort(stepThenId);
  return merged;
}

/** A short, order-sensitive digest of rows (count:hash of their ids and steps): the page's test hook, compared with a fresh load's. */
export function liveRowsDigest(rows: readonly LiveRow[]): string {
  let hash = 0x811c9dc5; // FNV-1a over (id, step) pairs
  for (const r of rows) for (const n of [r.id, r.step]) hash = Math.imul(hash ^ n, 0x01000193) >>> 0;
  return `${rows.length}:${hash.toString(16)}`;
}
