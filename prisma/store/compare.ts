import type { RunState } from "../../sweeps/states";
import { BUCKET_TYPES, downsampleBuckets, downsamplePoints, POINT_TYPES, readPoints, seriesPlan, toBucketRow, type BucketRow, type SeriesPoint } from "./metrics";
import { query, selectRows } from "./sql";
import { dialectSql } from "./sql-dialect";

// Reads for the compare view: many runs' series in a few queries (not a few per run), with
// the same min/max-bucket downsampling as readSeries (first and last point kept, each slot's
// lowest and highest point and first NaN kept, so a spike is never hidden), and the same
// choice of reading the points or the rollup (seriesPlan).

const IN = (n: number) => Array(n).fill("?").join(",");
/** Keep SQLite's bound-parameter count modest per statement. */
const RUNS_PER_QUERY = 400;
/** The most points read raw (to be downsampled here) per answer: a view of many runs falls back to the rollup beyond it. */
const RAW_POINTS_PER_READ = 100_000;

const key = (runId: string, name: string) => `${runId}\u0000${name}`;
const point = (r: { step: number | null; value: number | null; wallTime: number | null }): SeriesPoint => ({ step: r.step ?? 0, value: r.value, wallTime: r.wallTime ?? 0 });
const SERIES_ROW = { runId: "text", name: "text", ...POINT_TYPES } as const;

/** A metric to be drawn against another, paired by step: [y, x]. */
export type SeriesPair = readonly [y: string, x: string];

/**
 * Several metrics of many runs, each downsampled to about `points` points:
 * result[runId][metric] = points in step order (missing metrics are absent).
 *
 * `pairs` (y against x, as a panel with a metric on x draws them): each series is downsampled
 * on its own, so the steps y keeps are mostly not the ones x keeps, and pairing by step would
 * find few. For each pair, y also gets its points at the steps x kept and x its points at the
 * steps y kept (aligned): every kept step where both were logged pairs, both series' extremes
 * stay, and each grows by at most its partner's `points`.
 */
export async function readManySeries(runIds: string[], names: string[], points = 1000, pairs: readonly SeriesPair[] = []): Promise<Record<string, Record<string, SeriesPoint[]>>> {
  const out: Record<string, Record<string, SeriesPoint[]>> = Object.fromEntries(runIds.map((id) => [id, {}]));
  if (runIds.length === 0 || names.length === 0) return out;
  const budget = { raw: RAW_POINTS_PER_READ };
  for (let i = 0; i < runIds.length; i += RUNS_PER_QUERY) {
    await readChunk(runIds.slice(i, i + RUNS_PER_QUERY), names, points, out, budget);
  }
  if (pairs.length > 0) await alignPairs(out, pairs.filter(([y, x]) => y !== x && names.includes(y) && names.includes(x)));
  return out;
}

/** Steps looked up per statement when aligning pairs. */
const STEPS_PER_QUERY = 900;

/** Add to each paired series its points at the steps its partner kept (readManySeries' `pairs`). */
async function alignPairs(out: Record<string, Record<string, SeriesPoint[]>>, pairs: readonly SeriesPair[]): Promise<void> {
  const wanted: [runId: string, name: string, steps: number[]][] = [];
  for (const [runId, series] of Object.entries(out)) {
    const own = new Map(Object.entries(series).map(([name, pts]) => [name, new Set(pts.map((p) => p.step))]));
    const need = new Map<string, Set<number>>();
    for (const [y, x] of pairs) {
      if (!series[y]?.length || !series[x]?.length) continue;
      for (const [name, partner] of [[y, x], [x, y]] as const) {
        const have = own.get(name)!;
        const pts = series[name];
        // within the series' own first and last step: it still ends where it was read (a live view asks for the points after it)
        const [first, last] = [pts[0].step, pts[pts.length - 1].step];
        const set = need.get(name) ?? need.set(name, new Set()).get(name)!;
        for (const step of own.get(partner)!) if (!have.has(step) && step >= first && step <= last) set.add(step);
      }
    }
    for (const [name, set] of need) {
      const steps = [...set];
      for (let i = 0; i < steps.length; i += STEPS_PER_QUERY) wanted.push([runId, name, steps.slice(i, i + STEPS_PER_QUERY)]);
    }
  }
  const found = new Map<string, SeriesPoint[]>();
  for (const [runId, name, steps] of wanted) {
    // an index range on Metric's primary key (runId, name, step); (a join with a VALUES list of
    // steps is ten times slower on SQLite, whose CAST there defeats the index's comparisons)
    const rows = await selectRows(query(`SELECT step, value, wallTime FROM Metric WHERE runId = ? AND name = ? AND step IN (${IN(steps.length)})`, [runId, name, ...steps], POINT_TYPES));
    const k = key(runId, name);
    found.set(k, [...(found.get(k) ?? []), ...rows.map(point)]);
  }
  for (const [runId, series] of Object.entries(out)) {
    for (const name of Object.keys(series)) {
      const extra = found.get(key(runId, name));
      if (extra) series[name] = [...series[name], ...extra].sort((a, b) => a.step - b.step);
    }
  }
}

async function readChunk(runIds: string[], names: string[], points: number, out: Record<string, Record<string, SeriesPoint[]>>, budget: { raw: number }): Promise<void> {
  const where = `runId IN (${IN(runIds.length)}) AND name IN (${IN(names.length)})`;
  const args = [...runIds, ...names];
  const stats = await selectRows(query(`SELECT runId, name, sum(count) AS n, count(*) AS b FROM MetricBucket WHERE ${where} GROUP BY runId, name`, args, { runId: "text", name: "text", n: "number", b: "number" }));
  const short: [string, string][] = [];
  const long: [string, string][] = [];
  const raw: [string, string][] = [];
  let rawPoints = 0;
  for (const s of stats) {
    const [runId, name] = [s.runId!, s.name!];
    const n = s.n ?? 0;
    const plan = seriesPlan(n, s.b ?? 0, points);
    if (plan === "all") short.push([runId, name]);
    else if (plan === "rollup") long.push([runId, name]);
    else (raw.push([runId, name]), (rawPoints += n));
  }
  // Series the rollup is too coarse for are read raw and downsampled here — all of them or, past
  // the budget, none (curves of one view at one resolution, not the first few finer).
  if (rawPoints <= budget.raw) {
    budget.raw -= rawPoints;
    for (const [runId, name] of raw) out[runId][name] = downsamplePoints(await readPoints(runId, name), points);
  } else long.push(...raw);

  // Short series: every point, in one query.
  if (short.length > 0) {
    const shortRuns = [...new Set(short.map(([r]) => r))];
    const shortNames = [...new Set(short.map(([, n]) => n))];
    const wanted = new Set(short.map(([r, n]) => key(r, n)));
    const rows = await selectRows(
      query(
        `SELECT runId, name, step, value, wallTime FROM Metric WHERE runId IN (${IN(shortRuns.length)}) AND name IN (${IN(shortNames.length)}) ORDER BY runId, name, step`,
        [...shortRuns, ...shortNames],
        SERIES_ROW,
      ),
    );
    for (const r of rows) {
      const runId = r.runId!;
      const name = r.name!;
      if (!wanted.has(key(runId, name))) continue;
      (out[runId][name] ??= []).push(point(r));
    }
  }

  // Long series: first and last point of each, and the rollup buckets, in two queries.
  if (long.length > 0) {
    const longRuns = [...new Set(long.map(([r]) => r))];
    const longNames = [...new Set(long.map(([, n]) => n))];
    const lw = `runId IN (${IN(longRuns.length)}) AND name IN (${IN(longNames.length)})`;
    const largs = [...longRuns, ...longNames];
    // min/max(step) as scalar subqueries are index seeks; a GROUP BY would scan every point.
    const ends = await selectRows(
      query(
        `WITH p(runId, name) AS (VALUES ${long.map(() => "(?, ?)").join(",")}),
         e AS (SELECT p.runId, p.name,
                 (SELECT min(step) FROM Metric m WHERE m.runId = p.runId AND m.name = p.name) AS lo,
                 (SELECT max(step) FROM Metric m WHERE m.runId = p.runId AND m.name = p.name) AS hi FROM p)
         SELECT m.runId, m.name, m.step, m.value, m.wallTime FROM e JOIN Metric m ON m.runId = e.runId AND m.name = e.name AND m.step = e.lo
         UNION ALL
         SELECT m.runId, m.name, m.step, m.value, m.wallTime FROM e JOIN Metric m ON m.runId = e.runId AND m.name = e.name AND m.step = e.hi AND e.hi != e.lo`,
        long.flat(),
        SERIES_ROW,
      ),
    );
    const buckets = await selectRows(
      query(
        `SELECT runId, name, minStep, minValue, minTime, maxStep, maxValue, maxTime, nanStep, nanTime FROM MetricBucket WHERE ${lw} ORDER BY runId, name, bucket`,
        largs,
        { runId: "text", name: "text", ...BUCKET_TYPES },
      ),
    );
    const firstLast = new Map<string, SeriesPoint[]>();
    for (const r of ends) {
      const k = key(r.runId!, r.name!);
      if (!firstLast.has(k)) firstLast.set(k, []);
      firstLast.get(k)!.push(point(r));
    }
    const grouped = new Map<string, BucketRow[]>();
    for (const b of buckets) {
      const k = key(b.runId!, b.name!);
      if (!grouped.has(k)) grouped.set(k, []);
      grouped.get(k)!.push(toBucketRow(b));
    }
    for (const [runId, name] of long) {
      const ends = (firstLast.get(key(runId, name)) ?? []).sort((a, b) => a.step - b.step);
      if (ends.length === 0) continue;
      out[runId][name] = downsampleBuckets(ends[0], ends[ends.length - 1], grouped.get(key(runId, name)) ?? [], points);
    }
  }
}

/** Metric names logged by any of the runs (for the metric picker). */
export async function metricNamesOf(runIds: string[]): Promise<string[]> {
  if (runIds.length === 0) return [];
  const names = new Set<string>();
  for (let i = 0; i < runIds.length; i += RUNS_PER_QUERY) {
    const chunk = runIds.slice(i, i + RUNS_PER_QUERY);
    const rows = await selectRows(query(`SELECT DISTINCT name FROM MetricBucket WHERE runId IN (${IN(chunk.length)})`, chunk, { name: "text" }));
    for (const r of rows) names.add(r.name!);
  }
  return [...names].sort();
}

/** A run as a live curves view lists it on every poll: no config, params or summary. */
export interface RunBrief {
  id: string;
  name: string;
  state: RunState;
  startedAt: string | null;
}

/**
 * The runs of a sweep (or the given ids), in creation order, at most `limit`: cheap enough to
 * list on every poll of a live view (one narrow query, no JSON parsed).
 */
export async function listRunBriefs(view: { sweepId?: string; ids?: string[] }, limit = 1000): Promise<RunBrief[]> {
  return (await selectRows(dialectSql().runBriefsQuery(view, limit))).map((r) => ({ id: r.id!, name: r.name!, state: r.state as RunState, startedAt: r.startedAt }));
}

/**
 * The points after a step of several runs' series, raw (not downsampled), for a live view
 * that holds the rest: tails[runId][metric]. At most `limit` points per series are read; a
 * run with a longer tail is listed in `overflow` instead (the caller reads it whole,
 * downsampled: a client that has been away should not get thousands of raw points).
 */
export async function readSeriesTails(
  after: ReadonlyMap<string, number>,
  names: string[],
  limit: number,
): Promise<{ tails: Record<string, Record<string, SeriesPoint[]>>; overflow: string[] }> {
  const tails: Record<string, Record<string, SeriesPoint[]>> = Object.fromEntries([...after.keys()].map((id) => [id, {}]));
  const overflow = new Set<string>();
  const cursors = [...after];
  for (let i = 0; i < cursors.length && names.length > 0; i += RUNS_PER_QUERY) {
    const chunk = cursors.slice(i, i + RUNS_PER_QUERY);
    // (runId, name, step) is the primary key: one index range per series, and the window
    // numbers each series' points so no more than limit + 1 of them leave SQLite.
    const rows = await selectRows(
      query(
        `WITH c(runId, after) AS (VALUES ${chunk.map(() => "(?, CAST(? AS INTEGER))").join(",")})
       SELECT runId, name, step, value, wallTime, k FROM (
         SELECT m.runId, m.name, m.step, m.value, m.wallTime, row_number() OVER (PARTITION BY m.runId, m.name ORDER BY m.step) AS k
         FROM c JOIN Metric m ON m.runId = c.runId AND m.name IN (${IN(names.length)}) AND m.step > c.after
       ) numbered WHERE k <= ? ORDER BY runId, name, step`,
        [...chunk.flat(), ...names, limit + 1],
        { ...SERIES_ROW, k: "number" },
      ),
    );
    for (const r of rows) {
      const runId = r.runId!;
      if ((r.k ?? 0) > limit) overflow.add(runId);
      else (tails[runId][r.name!] ??= []).push(point(r));
    }
  }
  for (const id of overflow) delete tails[id];
  return { tails, overflow: [...overflow] };
}

export * from "./runs-table";
