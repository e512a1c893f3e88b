import { csvLines } from "./csv";
import { metricNames } from "./metrics";
import { finiteOrName, query, selectRows } from "./sql";

// A run's whole metric history, one row per step (the downloads metrics.csv and metrics.jsonl),
// read a page at a time: a run may hold millions of points, and none of this ever holds more
// than about one page of them.
//
// Points are stored per (run, name, step) — the primary key — so each metric is read in step
// order along that index, a bounded slice at a time, and the slices are merged by step: every
// read is an index range, never a scan and sort of the run's remaining points.

/** One step of a run: when it was logged and every metric that has a point there (NaN for a NaN). */
export interface HistoryRow {
  step: number;
  /** Seconds since the run started: the latest wallTime among the step's points. */
  time: number;
  /** By metric name (a Map: a metric may be called "constructor" or "__proto__"). */
  values: Map<string, number>;
}

interface Cursor {
  name: string;
  /** The last step read. */
  after: number;
  buffer: { step: number; value: number; wallTime: number }[];
  /** The next point of `buffer` not handed out yet. */
  at: number;
  /** Every point of the metric has been read. */
  done: boolean;
}

async function readSlice(runId: string, c: Cursor, limit: number): Promise<void> {
  const rows = await selectRows(
    query(`SELECT step, value, wallTime FROM Metric WHERE runId = ? AND name = ? AND step > ? ORDER BY step LIMIT ?`, [runId, c.name, c.after, limit], {
      step: "number",
      value: "number",
      wallTime: "number",
    }),
  );
  c.buffer = rows.map((r) => ({ step: r.step ?? 0, value: r.value ?? NaN, wallTime: r.wallTime ?? 0 })); // NULL stands for NaN
  c.at = 0;
  c.done = rows.length < limit;
  if (rows.length > 0) c.after = c.buffer[rows.length - 1].step;
}

/**
 * Every step a run logged a point at, in step order, in pages of about `pageRows` points (at
 * least 100 per metric). `names`: the metrics to read (default: all of the run's).
 */
export async function* metricHistory(runId: string, names?: string[], pageRows = 20_000): AsyncGenerator<HistoryRow[]> {
  const cursors: Cursor[] = (names ?? (await metricNames(runId))).map((name) => ({ name, after: -1, buffer: [], at: 0, done: false }));
  const perMetric = Math.max(100, Math.ceil(pageRows / Math.max(1, cursors.length)));
  for (;;) {
    for (const c of cursors) if (!c.done && c.at >= c.buffer.length) await readSlice(runId, c, perMetric);
    // Steps up to the lowest last-read step of the metrics still being read are complete:
    // no later slice can add a point at them. (A metric read whole does not hold them back.)
    let complete = Infinity;
    for (const c of cursors) if (!c.done) complete = Math.min(complete, c.buffer[c.buffer.length - 1].step);
    const rows = new Map<number, HistoryRow>();
    for (const c of cursors) {
      for (; c.at < c.buffer.length && c.buffer[c.at].step <= complete; c.at++) {
        const p = c.buffer[c.at];
        let row = rows.get(p.step);
        if (!row) rows.set(p.step, (row = { step: p.step, time: p.wallTime, values: new Map() }));
        row.time = Math.max(row.time, p.wallTime);
        row.values.set(c.name, p.value);
      }
    }
    if (rows.size === 0) return;
    yield [...rows.values()].sort((a, b) => a.step - b.step);
  }
}

/**
 * metrics.csv: `step`, `time`, then a column per metric (sorted), empty where the metric has no
 * point at the step; numbers as toCsv writes them (every digit; NaN, Infinity, -Infinity).
 * Yields the header, then a chunk of text per page.
 */
export async function* metricHistoryCsv(runId: string, pageRows?: number): AsyncGenerator<string> {
  const names = await metricNames(runId);
  yield csvLines([["step", "time", ...names]]);
  for await (const page of metricHistory(runId, names, pageRows)) {
    yield csvLines(page.map((r) => [r.step, r.time, ...names.map((n) => r.values.get(n) ?? null)]));
  }
}

/**
 * metrics.jsonl: a JSON object per step, `{"_step": s, "_time": t, "<name>": v, ...}`; JSON has
 * no NaN or Infinity, so those are the strings "NaN", "Infinity", "-Infinity". (A metric named
 * _step or _time is left out: those keys are the row's own.)
 */
export async function* metricHistoryJsonl(runId: string, pageRows?: number): AsyncGenerator<string> {
  for await (const page of metricHistory(runId, undefined, pageRows)) {
    let text = "";
    for (const r of page) {
      text += `{"_step":${r.step},"_time":${JSON.stringify(r.time)}`;
      for (const [name, value] of r.values) if (name !== "_step" && name !== "_time") text += `,${JSON.stringify(name)}:${JSON.stringify(finiteOrName(value))}`;
      text += "}\n";
    }
    yield text;
  }
}
