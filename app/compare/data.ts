import type { CompareDelta, CompareDetailRun, CompareQuery, CompareResponse, SeriesTuple } from "../_lib/compare-api";
import { byCreation } from "../_lib/colors";
import { listRunBriefs, listRuns, metricNamesOf, readManySeries, readSeriesTails, type SeriesPoint } from "../../prisma/store";

// Builds the compare response from the store: used by GET /api/compare and by the compare
// page's first (server) render, so both return exactly the same thing. Runs come in the
// view's order, which is also its colour order: the ids as asked (the selection), or a
// sweep's runs as they were created (new runs are appended, so nobody's colour changes).

/** The most runs a view shows (a sweep's first ones by creation). */
const VIEW_RUNS = 1000;

/** The series to read, chosen once the metric names the view's runs logged are known (the compare page: its panels' regexes match among them). */
export type KeysFor = (names: string[]) => Pick<CompareQuery, "keys" | "pair">;

export async function loadCompare(q: Pick<CompareQuery, "runs" | "sweep" | "points"> & (Pick<CompareQuery, "keys" | "pair"> | { keysFor: KeysFor })): Promise<CompareResponse> {
  const { runs: ids, sweep, points } = q;
  const { runs } = await listRuns({ ids, sweepId: sweep, sort: { field: "created", desc: false }, limit: VIEW_RUNS });
  const byId = new Map(runs.map((r) => [r.id, r]));
  const ordered = ids ? ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])) : [...runs].sort(byCreation);
  const runIds = ordered.map((r) => r.id);
  const read = ({ keys, pair }: Pick<CompareQuery, "keys" | "pair">) => readManySeries(runIds, keys, points, pair);
  const [series, names] =
    "keysFor" in q
      ? await metricNamesOf(runIds).then(async (names) => [await read(q.keysFor(names)), names] as const)
      : await Promise.all([read(q), metricNamesOf(runIds)]);
  return {
    runs: ordered.map((r) => ({ id: r.id, name: r.name, state: r.state, sweepId: r.sweepId, kind: r.kind, config: r.config, params: r.params, summary: r.summary, startedAt: r.startedAt, tags: r.tags, runGroup: r.runGroup })),
    names,
    series: tuples(series),
    missing: ids ? ids.filter((id) => !byId.has(id)) : [],
  };
}

const tuples = (series: Record<string, Record<string, SeriesPoint[]>>): Record<string, Record<string, SeriesTuple[]>> =>
  Object.fromEntries(
    Object.entries(series).map(([runId, byName]) => [
      runId,
      Object.fromEntries(Object.entries(byName).map(([name, pts]) => [name, pts.map((p): SeriesTuple => [p.step, p.value, p.wallTime])])),
    ]),
  );

/**
 * What changed in the view since what the client holds (query `since` and `open`, see
 * compare-api.ts): the runs after its first n, whole, and the open ones' points after the
 * step it has. The runs are read before their points, and a run's points are all stored
 * before it ends: a run this response shows ended comes with the last of its points.
 *
 * Downsampling: a whole series is downsampled as in loadCompare (min/max buckets, NaN, first
 * and last kept, aligned with its partners of pair=); a tail is raw (so it pairs as it is). So
 * the client holds a downsampled head (whose last point is the series' last point then, so "after its step" loses nothing) and a raw tail — every
 * point since, no extreme hidden. A tail longer than `points` (a client away for a while)
 * comes whole instead, and the client asks for a run whole again once it holds more than
 * 2 × points of one series (sweep-curves.ts): what it holds stays within a small factor of
 * a fresh load, and each point crosses the wire about once (twice at worst) instead of on
 * every poll. A series that never grows past `points` is never downsampled, so its merged
 * tails are exactly what a fresh load returns.
 */
export async function loadCompareDelta(q: Pick<CompareQuery, "runs" | "sweep" | "keys" | "points" | "pair" | "since" | "open" | "detail">): Promise<CompareDelta<CompareDetailRun>> {
  const { runs: ids, sweep, keys, points, pair } = q;
  const listed = await listRunBriefs({ sweepId: sweep, ids }, VIEW_RUNS);
  const byId = new Map(listed.map((r) => [r.id, r]));
  const ordered = ids ? ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])) : listed;
  // The client holds the first n runs unless the view changed under it (a run created in
  // the same millisecond as one it holds but ordered before it): then it gets everything.
  const since = q.since ?? { count: 0, last: null };
  const held = since.count > 0 && ordered[since.count - 1]?.id === since.last ? since.count : 0;
  const heldIds = new Set(ordered.slice(0, held).map((r) => r.id));
  const open = held > 0 ? [...(q.open ?? [])].filter(([id]) => heldIds.has(id)) : [];
  const cursors = new Map(open.filter((o): o is [string, number] => o[1] !== null));
  const { tails, overflow } = await readSeriesTails(cursors, keys, points);
  for (const id of overflow) cursors.delete(id);
  const whole = [...ordered.slice(held).map((r) => r.id), ...open.filter(([id]) => !cursors.has(id)).map(([id]) => id)];
  const fresh = ordered.slice(held).map((r) => r.id);
  const [series, details, names] = await Promise.all([
    readManySeries(whole, keys, points, pair),
    // detail=1 (the compare page): config and the rest of the runs new to the client, read once
    q.detail && fresh.length ? listRuns({ ids: fresh, limit: fresh.length }).then((p) => new Map(p.runs.map((r) => [r.id, r]))) : null,
    q.detail ? metricNamesOf(ordered.map((r) => r.id)) : undefined,
  ]);
  for (const id of cursors.keys()) series[id] = tails[id];
  const runs = ordered.filter((r) => r.id in series).map((r): CompareDetailRun => {
    const d = details?.get(r.id);
    return d ? { ...r, sweepId: d.sweepId, kind: d.kind, config: d.config, params: d.params, summary: d.summary, tags: d.tags, runGroup: d.runGroup } : r;
  });
  return { total: ordered.length, reset: held === 0, runs, ...(names ? { names } : {}), series: tuples(series), tails: Object.fromEntries(cursors) };
}
