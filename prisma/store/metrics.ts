import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { prisma, reader, writeTransaction, type Tx } from "../client";
import { DEFAULT_DATABASE_URL } from "../database";
import { LOCKS, pgWriteTransaction } from "../postgres";
import type { RunEventBatch } from "../../sweeps/ingest";
import { foldIntoSummary, type Summary } from "../../sweeps/summary";
import { execSql, isPostgres, sqlText } from "./dialect";
import { query, selectRows, type TypedRow } from "./sql";
import { summaryJson } from "./records";

// THE way a run's data comes in (sweeps/ingest.ts describes the protocol): batches of metric
// points and the other things a run logs (samples, log lines, diagnostics), numbered per run.
// One transaction per report, one multi-row INSERT per few hundred points; a numbered batch
// already stored is skipped, so a resend changes nothing.

export type { RunEventBatch };

type MetricLine = NonNullable<RunEventBatch["metrics"]>[number];


function finiteOrNull(v: number | null): number | null {
  return v === null || Number.isNaN(v) ? null : v; // ±Infinity is kept: SQLite REAL stores it
}

/** Steps per MetricBucket row (the rollup that long series are downsampled from). */
export const BUCKET_STEPS = 64;

interface Bucket extends BucketRow {
  runId: string;
  name: string;
  bucket: number;
  count: number;
}

/** Fold a batch's points into per-bucket extremes (one row per run, metric and bucket touched). */
function rollup(runId: string, metrics: MetricLine[]): Bucket[] {
  const buckets = new Map<string, Bucket>();
  for (const m of metrics) {
    const bucket = Math.floor(m.step / BUCKET_STEPS);
    for (const [name, raw] of Object.entries(m.values)) {
      const key = `${name}\u0000${bucket}`;
      let b = buckets.get(key);
      if (!b) {
        b = { runId, name, bucket, count: 0, minStep: null, minValue: null, minTime: null, maxStep: null, maxValue: null, maxTime: null, nanStep: null, nanTime: null };
        buckets.set(key, b);
      }
      b.count++;
      const value = finiteOrNull(raw);
      if (value === null) {
        if (b.nanStep === null || m.step < b.nanStep) [b.nanStep, b.nanTime] = [m.step, m.time];
        continue;
      }
      if (b.minValue === null || value < b.minValue) [b.minStep, b.minValue, b.minTime] = [m.step, value, m.time];
      if (b.maxValue === null || value > b.maxValue) [b.maxStep, b.maxValue, b.maxTime] = [m.step, value, m.time];
    }
  }
  return [...buckets.values()];
}

// (the stored row's columns named with their table: Postgres finds a bare name ambiguous here)
const BUCKET_UPSERT = `
  ON CONFLICT (runId, name, bucket) DO UPDATE SET
    count = b.count + excluded.count,
    minStep  = CASE WHEN b.minValue IS NULL OR excluded.minValue < b.minValue THEN excluded.minStep  ELSE b.minStep  END,
    minTime  = CASE WHEN b.minValue IS NULL OR excluded.minValue < b.minValue THEN excluded.minTime  ELSE b.minTime  END,
    minValue = CASE WHEN b.minValue IS NULL OR excluded.minValue < b.minValue THEN excluded.minValue ELSE b.minValue END,
    maxStep  = CASE WHEN b.maxValue IS NULL OR excluded.maxValue > b.maxValue THEN excluded.maxStep  ELSE b.maxStep  END,
    maxTime  = CASE WHEN b.maxValue IS NULL OR excluded.maxValue > b.maxValue THEN excluded.maxTime  ELSE b.maxTime  END,
    maxValue = CASE WHEN b.maxValue IS NULL OR excluded.maxValue > b.maxValue THEN excluded.maxValue ELSE b.maxValue END,
    nanTime  = CASE WHEN b.nanStep IS NULL OR excluded.nanStep < b.nanStep THEN excluded.nanTime ELSE b.nanTime END,
    nanStep  = CASE WHEN b.nanStep IS NULL OR excluded.nanStep < b.nanStep THEN excluded.nanStep ELSE b.nanStep END`;

interface MetricRow {
  name: string;
  step: number;
  value: number | null;
  wallTime: number;
}

/** A value as JSON5 text for SQLite's JSON reader: ±Infinity as such (JSON has no spelling for it). */
function jsonValue(v: unknown): string {
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? "null" : v > 0 ? "Infinity" : "-Infinity";
  return v === null || v === undefined ? "null" : JSON.stringify(v);
}

/** A value as JSON for Postgres, whose JSON reader takes no Infinity: non-finite numbers as the strings float8 reads ("Infinity"). */
function pgJsonValue(v: unknown): string {
  return typeof v === "number" && !Number.isFinite(v) && !Number.isNaN(v) ? `"${v > 0 ? "Infinity" : "-Infinity"}"` : jsonValue(v);
}

/** A column inserted by insertRows, with the Postgres type its JSON text is read as. */
type Column = readonly [name: string, pgType: "text" | "int" | "float8" | "timestamp"];

/**
 * INSERT rows of `columns` from one JSON array bound as a single parameter (SQLite's json_each,
 * Postgres' json_array_elements): one statement whatever the number of rows, in their order
 * (Metric's rowid — Postgres: its seq — is the order early termination reads points in), and 3×
 * the speed of as many bound parameters. Numbers travel as their shortest round-trip text, which
 * both databases read back to the same double.
 */
async function insertRows(c: IngestTx, table: string, columns: readonly Column[], rows: unknown[][], tail: string): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map(([c]) => c).join(", ");
  if (isPostgres()) {
    const json = `[${rows.map((r) => `[${r.map(pgJsonValue).join(",")}]`).join(",")}]`;
    const select = columns.map(([, type], i) => `(j ->> ${i})::${type}`).join(", ");
    await c.exec(`INSERT INTO ${table} (${names}) SELECT ${select} FROM json_array_elements(CAST(? AS json)) j ${tail}`, json);
    return;
  }
  const json = `[${rows.map((r) => `[${r.map(jsonValue).join(",")}]`).join(",")}]`;
  const select = columns.map((_, i) => `json_extract(j.value, '$[${i}]')`).join(", ");
  // (WHERE true: SQLite's upsert after a SELECT needs it to parse ON CONFLICT)
  await c.exec(`INSERT INTO ${table} (${names}) SELECT ${select} FROM json_each(?) j WHERE true ${tail}`, json);
}

/** A run's metric lines, in the order they came. */
type RunLines = { runId: string; metrics: MetricLine[] };

/** Metric rows (METRIC_COLUMNS) of `lines`, one per run, metric and step: a point logged twice keeps its first place and its last value. */
function pointRows(lines: RunLines[]): unknown[][] {
  const points = new Map<string, unknown[]>();
  for (const { runId, metrics } of lines) {
    for (const m of metrics) for (const [name, value] of Object.entries(m.values)) points.set(`${runId}\u0000${name}\u0000${m.step}`, [runId, name, m.step, finiteOrNull(value), m.time]);
  }
  return [...points.values()];
}

const COPY_SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

/**
 * The points of `lines` in COPY's binary format (METRIC_COLUMNS: text, text, int4, float8,
 * float8), written straight from the lines: no number is turned into text and parsed back,
 * which was most of a text COPY's cost on both sides. Empty when there is no point.
 */
function copyBinary(lines: RunLines[]): Buffer {
  const names = new Map<string, Buffer>();
  let size = COPY_SIGNATURE.length + 8 + 2;
  let points = 0;
  const runs = lines.map((l) => Buffer.from(l.runId, "utf8"));
  lines.forEach(({ metrics }, i) => {
    for (const m of metrics) {
      for (const name in m.values) {
        let bytes = names.get(name);
        if (!bytes) names.set(name, (bytes = Buffer.from(name, "utf8")));
        size += 2 + 4 + runs[i].length + 4 + bytes.length + 8 + 12 + 12;
        points++;
      }
    }
  });
  if (points === 0) return Buffer.alloc(0);
  const out = Buffer.allocUnsafe(size);
  let at = COPY_SIGNATURE.copy(out, 0);
  at = out.writeInt32BE(0, at); // flags
  at = out.writeInt32BE(0, at); // header extension
  lines.forEach(({ metrics }, i) => {
    const run = runs[i];
    for (const m of metrics) {
      for (const name in m.values) {
        const bytes = names.get(name)!;
        at = out.writeInt16BE(5, at);
        at = out.writeInt32BE(run.length, at);
        at += run.copy(out, at);
        at = out.writeInt32BE(bytes.length, at);
        at += bytes.copy(out, at);
        at = out.writeInt32BE(4, at);
        at = out.writeInt32BE(m.step, at);
        const value = finiteOrNull(m.values[name]);
        if (value === null) at = out.writeInt32BE(-1, at);
        else at = out.writeDoubleBE(value, out.writeInt32BE(8, at));
        at = out.writeDoubleBE(m.time, out.writeInt32BE(8, at));
      }
    }
  });
  at = out.writeInt16BE(-1, at); // trailer
  return out.subarray(0, at);
}

const BUCKET_COLUMNS = [
  ["runId", "text"], ["name", "text"], ["bucket", "int"], ["count", "int"],
  ["minStep", "int"], ["minValue", "float8"], ["minTime", "float8"],
  ["maxStep", "int"], ["maxValue", "float8"], ["maxTime", "float8"],
  ["nanStep", "int"], ["nanTime", "float8"],
] as const satisfies readonly Column[];
const METRIC_COLUMNS = [["runId", "text"], ["name", "text"], ["step", "int"], ["value", "float8"], ["wallTime", "float8"]] as const satisfies readonly Column[];

async function insertBuckets(c: IngestTx, buckets: Bucket[]): Promise<void> {
  await insertRows(c, "MetricBucket AS b", BUCKET_COLUMNS, buckets.map((b) => BUCKET_COLUMNS.map(([c]) => b[c])), BUCKET_UPSERT);
}

/** Metric rows (name, step, value, wallTime) as the metric lines they came from, in step order. */
function linesOf(rows: MetricRow[]): MetricLine[] {
  const lines: MetricLine[] = [];
  for (const r of rows) {
    const step = r.step, last = lines[lines.length - 1];
    const line = last?.step === step ? last : (lines.push({ step, time: r.wallTime, values: {} }), lines[lines.length - 1]);
    line.values[r.name] = r.value;
  }
  return lines;
}

/**
 * The metrics of a run's incoming points (not rising past its last stored step) that land at or
 * before a step they already have: a step logged again (its value replaced), or an earlier one.
 * Folding them into the live summary in arrival order would leave a best or a last value the
 * stored history no longer holds (W&B's client drops such points; the logging API stores them).
 */
async function loggedAgain(c: IngestTx, runId: string, metrics: readonly MetricLine[], lastStored: number): Promise<Set<string>> {
  const again = new Set<string>();
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  for (const m of metrics)
    for (const name of Object.keys(m.values)) {
      if ((last.get(name) ?? -Infinity) >= m.step) again.add(name);
      last.set(name, m.step);
      if (!first.has(name) || first.get(name)! > m.step) first.set(name, m.step);
    }
  const from = Math.min(...first.values());
  if (from <= lastStored) for (const p of await c.points(runId, from)) if (first.has(p.name) && p.step >= first.get(p.name)!) again.add(p.name);
  return again;
}

/**
 * A run resumes at `step` (from its checkpoint there, or from the start): drop what it logged
 * after that step — points, their rollup, samples, diagnostics — and recompute its live summary,
 * so that the resumed run's events continue the curve without repeating a step. Log lines stay:
 * they are the run's history (its interruption among it).
 */
async function truncateRun(c: IngestTx, runId: string, step: number): Promise<void> {
  for (const table of ["Metric", "Sample", "Diagnostic"]) await c.exec(`DELETE FROM ${table} WHERE runId = ? AND step > ?`, runId, step);
  const first = Math.floor(step / BUCKET_STEPS); // the bucket that holds `step` keeps its points up to it
  await c.exec(`DELETE FROM MetricBucket WHERE runId = ? AND bucket >= ?`, runId, first);
  await insertBuckets(c, rollup(runId, linesOf(await c.points(runId, first * BUCKET_STEPS))));
  const all = linesOf(await c.points(runId));
  const summary: Summary = {};
  for (const m of all) foldIntoSummary(summary, m.step, m.values);
  if (all.length > 0) summary._runtime = all[all.length - 1].time;
  await c.exec(
    `UPDATE Run SET summary = ?, lastStep = CASE WHEN lastStep < ? THEN lastStep ELSE ? END, checkpointStep = CASE WHEN checkpointStep <= ? THEN checkpointStep END WHERE id = ?`,
    summaryJson(summary),
    step,
    step,
    step,
    runId,
  );
}

export interface IngestResult {
  /** Numbered batches skipped: stored before (a resend). */
  duplicates: number;
  /** Runs the batches named that do not exist (deleted): their batches were skipped. */
  unknownRuns: string[];
}

/**
 * The statements of one report's transaction. On SQLite, Prisma's transaction (its typed models
 * read the rows: its raw reads guess column types). On Postgres, a connection of the store's
 * pool, so that points are COPYed, and reports on different runs are stored side by side
 * (writeLockSql's shared lock): each locks its runs' rows, in id order so that two reports never
 * wait on each other in a cycle — a report on a run waits for the one before it; a run is not
 * deleted or finished under it — and then, in id order, each of their sweeps' ingestion lock:
 * the points of one sweep take their `seq` one report at a time, so early termination's ledger
 * (sweepMetricPointsSince) never reads a later point before an earlier one has committed.
 */
interface IngestTx {
  /** A write in the store's spelling: the rows it changed. */
  exec(sql: string, ...args: unknown[]): Promise<number>;
  /** The rows of those of `ids` that exist (locked as above on Postgres). */
  lockRuns(ids: string[]): Promise<IngestRun[]>;
  /** A run's points (from `fromStep` on), in step order. */
  points(runId: string, fromStep?: number): Promise<MetricRow[]>;
  /** Runs' rows read again (after a truncation rewrote them). */
  runs(ids: string[]): Promise<IngestRun[]>;
  /** The points of `lines`, in their order, none of which can be stored already nor appears twice: COPY on Postgres. */
  insertNewPoints(lines: RunLines[]): Promise<void>;
}

/** What a report reads of a run's row, and may write back. */
type IngestRun = { id: string; summary: string; lastStep: number; kind: string; config: string; ingestSeq: number | null; clientSeq: number | null };

const POINT_UPSERT = `ON CONFLICT (runId, name, step) DO UPDATE SET value = excluded.value, wallTime = excluded.wallTime`;
const POINT_SELECT = { name: true, step: true, value: true, wallTime: true } as const;
const RUN_SELECT = { id: true, summary: true, lastStep: true, kind: true, config: true, ingestSeq: true, clientSeq: true } as const;

function sqliteIngest(tx: Tx): IngestTx {
  const c: IngestTx = {
    exec: (sql, ...args) => execSql(tx, sql, ...args),
    lockRuns: (ids) => tx.run.findMany({ where: { id: { in: ids } }, select: RUN_SELECT }),
    points: (runId, fromStep) => tx.metric.findMany({ where: { runId, ...(fromStep === undefined ? {} : { step: { gte: fromStep } }) }, orderBy: { step: "asc" }, select: POINT_SELECT }),
    runs: (ids) => tx.run.findMany({ where: { id: { in: ids } }, select: RUN_SELECT }),
    insertNewPoints: (lines) => insertRows(c, "Metric", METRIC_COLUMNS, pointRows(lines), POINT_UPSERT),
  };
  return c;
}

const RUN_COLUMNS = Object.keys(RUN_SELECT).join(", ");
const IDS = `SELECT json_array_elements_text(CAST(? AS json))`;

function postgresIngest(client: pg.PoolClient): IngestTx {
  const rows = async <T>(sql: string, ...args: unknown[]) => (await client.query(sqlText(sql), args)).rows as T[];
  const c: IngestTx = {
    exec: async (sql, ...args) => (await client.query(sqlText(sql), args)).rowCount ?? 0,
    lockRuns: async (ids) => {
      const locked = await rows<IngestRun & { sweepId: string | null }>(`SELECT ${RUN_COLUMNS}, sweepId FROM Run WHERE id IN (${IDS}) ORDER BY id FOR NO KEY UPDATE`, JSON.stringify(ids));
      const sweeps = [...new Set(locked.flatMap((r) => (r.sweepId ? [r.sweepId] : [])))].sort();
      for (const sweep of sweeps) await client.query(`SELECT pg_advisory_xact_lock(${LOCKS.ingest}, hashtext($1))`, [sweep]);
      return locked;
    },
    points: (runId, fromStep) => rows<MetricRow>(`SELECT name, step, value, wallTime FROM Metric WHERE runId = ? AND step >= ? ORDER BY step`, runId, fromStep ?? -2147483648),
    runs: (ids) => rows(`SELECT ${RUN_COLUMNS} FROM Run WHERE id IN (${IDS})`, JSON.stringify(ids)),
    insertNewPoints: async (lines) => {
      const data = copyBinary(lines);
      if (data.length === 0) return;
      // COPY: a third of the time of the INSERT (bench scale)
      try {
        await pipeline(Readable.from([data]), client.query(copyFrom(sqlText(`COPY Metric (${METRIC_COLUMNS.map(([n]) => n).join(", ")}) FROM STDIN (FORMAT binary)`))));
      } catch (error) {
        throw (error as { code?: string }).code === "23505" ? new PointStoredAlready() : error;
      }
    },
  };
  return c;
}

const SAMPLE_COLUMNS = [["runId", "text"], ["step", "int"], ["temperature", "float8"], ["text", "text"], ["createdAt", "timestamp"]] as const satisfies readonly Column[];
const LOG_COLUMNS = [["runId", "text"], ["step", "int"], ["level", "text"], ["message", "text"], ["time", "timestamp"]] as const satisfies readonly Column[];
const DIAGNOSTIC_COLUMNS = [["runId", "text"], ["step", "int"], ["kind", "text"], ["data", "text"]] as const satisfies readonly Column[];

function ingestTransaction<T>(fn: (c: IngestTx) => Promise<T>): Promise<T> {
  if (isPostgres()) return pgWriteTransaction(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, (client) => fn(postgresIngest(client)), { shared: true });
  return writeTransaction((tx) => fn(sqliteIngest(tx)));
}

/**
 * Append the batches of one report (one executor flush, one agent request) in one transaction:
 * numbered batches not stored before, in order — a resumed run's old tail dropped first — all
 * runs' points in a few multi-row INSERTs (a COPY on Postgres), their rollup buckets likewise,
 * each run's live summary, and the step of its last checkpoint whose events are all stored.
 * Were a point COPYed stored already after all, the transaction is rolled back and stored again
 * as upserts (rarer than a savepoint's round trip in every report is dear: bench scale).
 */
export async function appendRunEvents(batches: RunEventBatch[]): Promise<IngestResult> {
  if (batches.length === 0) return { duplicates: 0, unknownRuns: [] };
  try {
    return await ingestTransaction((c) => appendIn(c, batches, true));
  } catch (error) {
    if (!(error instanceof PointStoredAlready)) throw error;
    return ingestTransaction((c) => appendIn(c, batches, false));
  }
}

/** A COPY met a point stored already (by a path other than the reports'): store the report as upserts. */
class PointStoredAlready extends Error {}

async function appendIn(c: IngestTx, batches: RunEventBatch[], copy: boolean): Promise<IngestResult> {
  const result: IngestResult = { duplicates: 0, unknownRuns: [] };
  const now = new Date().toISOString();
  const ids = [...new Set(batches.map((b) => b.runId))];
  // each run's row as stored (its last step: a point after it cannot be stored already)
  const rows = new Map((await c.lockRuns(ids)).map((r) => [r.id, r]));
  result.unknownRuns = ids.filter((id) => !rows.has(id));
  const stored = new Map([...rows].map(([id, r]) => [id, r.lastStep]));
  const numbered = new Map<string, Set<"clientSeq" | "ingestSeq">>(); // the runs' batch numbers to write
  const truncated = new Set<string>();
  const fresh: RunEventBatch[] = [];
  for (const b of batches) {
    const row = rows.get(b.runId);
    if (!row) continue;
    // a numbered batch takes its number, or is skipped when it (or a later one) is stored already
    if (b.seq !== undefined) {
      const column = b.stream === "client" ? "clientSeq" : "ingestSeq";
      if ((row[column] ?? 0) >= b.seq) {
        result.duplicates++;
        continue;
      }
      row[column] = b.seq;
      numbered.set(b.runId, (numbered.get(b.runId) ?? new Set()).add(column));
    }
    if (b.resumedFrom !== undefined) {
      await truncateRun(c, b.runId, b.resumedFrom);
      stored.set(b.runId, Math.min(stored.get(b.runId)!, b.resumedFrom));
      truncated.add(b.runId);
    }
    fresh.push(b);
  }
  // One row per key in each statement: Postgres refuses an upsert that meets the same row twice
  // (SQLite would apply both in turn). A point logged twice keeps its first place and its last
  // value; each run's buckets are rolled up over all of its batches at once — as the upserts
  // one after the other would have left them.
  const perRun = new Map<string, MetricLine[]>();
  for (const batch of fresh) perRun.set(batch.runId, [...(perRun.get(batch.runId) ?? []), ...(batch.metrics ?? [])]);
  const lines = [...perRun].map(([runId, metrics]) => ({ runId, metrics }));
  // the usual report: each run's steps rising past the last it stored, so no point is there
  // already or twice — stored as they come (COPY on Postgres); otherwise as upserts
  const rising = (l: RunLines) => l.metrics.every((m, i) => m.step > (i === 0 ? stored.get(l.runId)! : l.metrics[i - 1].step));
  const refold = new Map<string, Set<string>>();
  for (const l of lines) if (!rising(l)) refold.set(l.runId, await loggedAgain(c, l.runId, l.metrics, stored.get(l.runId)!));
  if (copy && refold.size === 0) await c.insertNewPoints(lines);
  else await insertRows(c, "Metric", METRIC_COLUMNS, pointRows(lines), POINT_UPSERT);
  const buckets = lines.flatMap((l) => rollup(l.runId, l.metrics));
  await insertBuckets(c, buckets);
  // samples, log lines and diagnostics as the points are: one statement each whatever their
  // number. (Prisma's createMany compiled its query plan at every call, which its plan cache
  // does not keep: ~45 compilations in an 8-run sweep, a third of the executor's CPU in
  // Prisma.) Times as the store writes them (`now`, toISOString; Postgres' timestamp(3) holds
  // UTC, a zone in the text is ignored).
  await insertRows(c, "Sample", SAMPLE_COLUMNS, fresh.flatMap((b) => (b.samples ?? []).map((x) => [b.runId, x.step, x.temperature, x.text, now])), "");
  await insertRows(c, "LogLine", LOG_COLUMNS, fresh.flatMap((b) => (b.logs ?? []).map((l) => [b.runId, l.step ?? null, l.level, l.message, now])), "");
  await insertRows(c, "Diagnostic", DIAGNOSTIC_COLUMNS, fresh.flatMap((b) => (b.diagnostics ?? []).map((d) => [b.runId, d.step, d.kind, JSON.stringify(d.data ?? null)])), "");

  // per run, one UPDATE: the live summary (keys a batch sets win over the folded ones), the last
  // step, the heartbeat, the checkpoint to resume from, a program run's config updates, the
  // batch numbers taken
  const byRun = new Map<string, { metrics: MetricLine[]; checkpoint?: number; summary?: Summary; config?: Record<string, unknown> }>();
  for (const b of fresh) {
    const entry = byRun.get(b.runId) ?? { metrics: [] };
    entry.metrics.push(...(b.metrics ?? []));
    if (b.checkpoint !== undefined) entry.checkpoint = b.checkpoint;
    if (b.summary) entry.summary = { ...entry.summary, ...b.summary };
    if (b.config) entry.config = { ...entry.config, ...b.config };
    byRun.set(b.runId, entry);
  }
  // (a truncated run's summary and last step were rewritten: read again)
  for (const r of truncated.size ? await c.runs([...truncated]) : []) Object.assign(rows.get(r.id)!, { summary: r.summary, lastStep: r.lastStep });
  for (const [runId, { metrics, checkpoint, summary: set, config }] of byRun) {
    const run = rows.get(runId)!;
    const assign: [column: string, value: unknown][] = [];
    if (checkpoint !== undefined) assign.push(["checkpointStep", checkpoint]);
    for (const column of numbered.get(runId) ?? []) assign.push([column, run[column]]);
    if (metrics.length > 0 || set || config) {
      const summary = JSON.parse(run.summary) as Summary;
      let lastStep = run.lastStep;
      for (const m of metrics) {
        foldIntoSummary(summary, m.step, m.values);
        lastStep = Math.max(lastStep, m.step);
      }
      // a metric logged again at a step it has, or before its last: its keys from its points as now stored
      const again = refold.get(runId);
      if (again?.size) {
        for (const name of again) for (const key of [name, `${name}_best`, `${name}_best_step`, `${name}_first_nonfinite_step`]) delete summary[key];
        for (const m of linesOf(await c.points(runId))) foldIntoSummary(summary, m.step, Object.fromEntries(Object.entries(m.values).filter(([name]) => again.has(name))));
      }
      if (metrics.length > 0) summary._runtime = metrics[metrics.length - 1].time;
      Object.assign(summary, set);
      // (an engine run's config is a RunConfig its worker was started with: never rewritten)
      const merged = config && run.kind === "program" ? JSON.stringify({ ...(JSON.parse(run.config) as Record<string, unknown>), ...config }) : run.config;
      assign.push(["summary", summaryJson(summary)], ["lastStep", lastStep], ["heartbeatAt", now], ["config", merged]);
    }
    if (assign.length > 0) await c.exec(`UPDATE Run SET ${assign.map(([column]) => `${column} = ?`).join(", ")} WHERE id = ?`, ...assign.map(([, v]) => v), runId);
  }
  return result;
}

/**
 * Per metric of a run: its points, and the points its rollup counted. They agree unless a point
 * was counted twice (a batch stored twice, a resumed run's old tail kept): a consistency check.
 */
export async function metricCounts(runId: string): Promise<Record<string, { points: number; rollup: number }>> {
  const columns = { name: "text", n: "number" } as const;
  const [points, rollup] = await Promise.all([
    selectRows(query(`SELECT name, count(*) AS n FROM Metric WHERE runId = ? GROUP BY name`, [runId], columns)),
    selectRows(query(`SELECT name, sum(count) AS n FROM MetricBucket WHERE runId = ? GROUP BY name`, [runId], columns)),
  ]);
  const out: Record<string, { points: number; rollup: number }> = {};
  for (const r of points) out[r.name!] = { points: r.n ?? 0, rollup: 0 };
  for (const r of rollup) (out[r.name!] ??= { points: 0, rollup: 0 }).rollup = r.n ?? 0;
  return out;
}

export interface SeriesPoint {
  step: number;
  /** null = NaN */
  value: number | null;
  wallTime: number;
}

export async function metricNames(runId: string): Promise<string[]> {
  return (await selectRows(query(`SELECT DISTINCT name FROM Metric WHERE runId = ? ORDER BY name`, [runId], { name: "text" }))).map((r) => r.name!);
}

/** The typed columns of a metric point and of a rollup bucket row. */
export const POINT_TYPES = { step: "number", value: "number", wallTime: "number" } as const;
export const BUCKET_TYPES = {
  minStep: "number",
  minValue: "number",
  minTime: "number",
  maxStep: "number",
  maxValue: "number",
  maxTime: "number",
  nanStep: "number",
  nanTime: "number",
} as const;

const toPoint = (r: TypedRow<typeof POINT_TYPES>): SeriesPoint => ({ step: r.step ?? 0, value: r.value, wallTime: r.wallTime ?? 0 });

/**
 * One metric of one run, downsampled to about `points` points: steps are cut into buckets
 * and each bucket keeps its lowest and its highest point (and its first NaN), so a spike is
 * never hidden; the first and the last point are always kept. Long series are read from the
 * MetricBucket rollup (one row per BUCKET_STEPS steps); short ones from the points, and
 * downsampled in memory when the rollup is too coarse to give `points` (seriesPlan).
 */
export async function readSeries(runId: string, name: string, points = 1000): Promise<SeriesPoint[]> {
  const stats = await selectRows(query(`SELECT sum(count) AS n, count(*) AS b FROM MetricBucket WHERE runId = ? AND name = ?`, [runId, name], { n: "number", b: "number" }));
  const n = stats[0]?.n ?? 0;
  if (n === 0) return [];
  const plan = seriesPlan(n, stats[0].b ?? 0, points);
  if (plan === "all") return await readPoints(runId, name);
  if (plan === "raw") return downsamplePoints(await readPoints(runId, name), points);
  const ends = await selectRows(
    query(
      `SELECT * FROM (SELECT step, value, wallTime FROM Metric WHERE runId = ? AND name = ? ORDER BY step ASC LIMIT 1) first
       UNION ALL
       SELECT * FROM (SELECT step, value, wallTime FROM Metric WHERE runId = ? AND name = ? ORDER BY step DESC LIMIT 1) last`,
      [runId, name, runId, name],
      POINT_TYPES,
    ),
  );
  const buckets = await selectRows(
    query(
      `SELECT minStep, minValue, minTime, maxStep, maxValue, maxTime, nanStep, nanTime FROM MetricBucket WHERE runId = ? AND name = ? ORDER BY bucket`,
      [runId, name],
      BUCKET_TYPES,
    ),
  );
  return downsampleBuckets(toPoint(ends[0]), toPoint(ends[ends.length - 1]), buckets.map(toBucketRow), points);
}

/** Every point of a series, in step order (the read-only connection: a 30,000-point series in a few ms, where Prisma's raw query takes ten times that). */
export async function readPoints(runId: string, name: string): Promise<SeriesPoint[]> {
  return (await selectRows(query(`SELECT step, value, wallTime FROM Metric WHERE runId = ? AND name = ? ORDER BY step`, [runId, name], POINT_TYPES))).map(toPoint);
}

/** The most points of one series read raw to be downsampled in memory (beyond it, the rollup answers). */
export const RAW_DOWNSAMPLE_LIMIT = 10_000;

/**
 * How to read a series of `n` points held in `buckets` rollup rows for about `points` points:
 * "all" its points when there are no more than that; "raw" points downsampled in memory when
 * the rollup has fewer buckets than the downsampling has slots (each bucket gives at most its
 * min and max, so a 400-step series would come back with ~14 points of 50) and the series is
 * short enough to read whole; else from the "rollup".
 */
export function seriesPlan(n: number, buckets: number, points: number): "all" | "raw" | "rollup" {
  if (n <= points) return "all";
  return buckets < slotsFor(points) && n <= RAW_DOWNSAMPLE_LIMIT ? "raw" : "rollup";
}

/** Slots a series is cut into to come back with about `points` points (a low and a high each, plus the ends). */
const slotsFor = (points: number) => Math.max(1, Math.floor((points - 2) / 2));

/** A point as a rollup row of its own: raw points downsample with the rollup's code. */
const pointBucket = (p: SeriesPoint): BucketRow =>
  p.value === null
    ? { minStep: null, minValue: null, minTime: null, maxStep: null, maxValue: null, maxTime: null, nanStep: p.step, nanTime: p.wallTime }
    : { minStep: p.step, minValue: p.value, minTime: p.wallTime, maxStep: p.step, maxValue: p.value, maxTime: p.wallTime, nanStep: null, nanTime: null };

/** Downsample raw points (in step order) to about `points` as downsampleBuckets does the rollup: min/max per slot, the first NaN, the ends (pure). */
export function downsamplePoints(series: SeriesPoint[], points: number): SeriesPoint[] {
  if (series.length <= points) return series;
  return downsampleBuckets(series[0], series[series.length - 1], series.map(pointBucket), points);
}

export const toBucketRow = (b: TypedRow<typeof BUCKET_TYPES>): BucketRow => ({
  minStep: b.minStep,
  minValue: b.minValue,
  minTime: b.minTime,
  maxStep: b.maxStep,
  maxValue: b.maxValue,
  maxTime: b.maxTime,
  nanStep: b.nanStep,
  nanTime: b.nanTime,
});

export interface BucketRow {
  minStep: number | null;
  minValue: number | null;
  minTime: number | null;
  maxStep: number | null;
  maxValue: number | null;
  maxTime: number | null;
  nanStep: number | null;
  nanTime: number | null;
}

/** Downsample a series from its rollup buckets to about `points` points (pure). */
export function downsampleBuckets(first: SeriesPoint, last: SeriesPoint, buckets: BucketRow[], points: number): SeriesPoint[] {
  const slots = slotsFor(points);
  const width = (last.step - first.step + 1) / slots;
  const slotOf = (step: number) => Math.floor((step - first.step) / width);
  // per slot: its lowest and highest point and its first NaN (arrays: a raw series has a row per point)
  const low: (SeriesPoint | undefined)[] = new Array(slots);
  const high: (SeriesPoint | undefined)[] = new Array(slots);
  const nan: (SeriesPoint | undefined)[] = new Array(slots);
  // The ends and the buckets are two reads: points stored between them are left out, so the
  // series ends at `last` (a live view asks for the points after it next).
  const inside = (step: number | null): step is number => step !== null && step >= first.step && step <= last.step;
  for (const b of buckets) {
    if (inside(b.minStep) && b.minValue !== null) {
      const s = slotOf(b.minStep);
      const cur = low[s];
      if (!cur || b.minValue < cur.value!) low[s] = { step: b.minStep, value: b.minValue, wallTime: b.minTime ?? 0 };
    }
    if (inside(b.maxStep) && b.maxValue !== null) {
      const s = slotOf(b.maxStep);
      const cur = high[s];
      if (!cur || b.maxValue > cur.value!) high[s] = { step: b.maxStep, value: b.maxValue, wallTime: b.maxTime ?? 0 };
    }
    if (inside(b.nanStep)) {
      const s = slotOf(b.nanStep);
      const cur = nan[s];
      if (!cur || b.nanStep < cur.step) nan[s] = { step: b.nanStep, value: null, wallTime: b.nanTime ?? 0 };
    }
  }
  const byStep = new Map<number, SeriesPoint>([[first.step, first]]);
  for (let s = 0; s < slots; s++) for (const p of [low[s], high[s], nan[s]]) if (p) byStep.set(p.step, p);
  byStep.set(last.step, last);
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** Several metrics of a run at once. */
export async function readRunSeries(runId: string, names: string[], points = 1000): Promise<Record<string, SeriesPoint[]>> {
  const entries = await Promise.all(names.map(async (name) => [name, await readSeries(runId, name, points)] as const));
  return Object.fromEntries(entries);
}

export interface SampleRecord {
  step: number;
  temperature: number;
  text: string;
}

export async function listSamples(runId: string): Promise<SampleRecord[]> {
  return (await readSamples(runId)).rows.map(withoutId);
}

/** A sample or diagnostic with its row's id: the key a live page holds it by (ids rise as rows are stored). */
export type KeyedRecord<R> = R & { id: number };

/** What a live page holds of a run's samples (or diagnostics): `count` of them, the largest id among them `lastId`. */
export interface HeldRows {
  count: number;
  lastId: number;
}

/** A run's samples or diagnostics as a live page reads them: all, or (`after` set) those stored after what it holds. */
export interface RowsRead<R> {
  rows: KeyedRecord<R>[];
  after?: number;
}

/**
 * A run's rows in (step, id) order: all of them, or — given what a page `held` — only those
 * stored after its `lastId`, when the rows up to there are still the `count` it holds. They are
 * not when a resumed run dropped some (truncateRun) or a row committed late took an id below
 * (Postgres hands out ids at insert, not commit): then all, `after` unset, for the page to replace
 * what it holds.
 */
async function readRowsAfter<Row extends { id: number }, R>(
  read: (idAfter: number) => Promise<Row[]>,
  countUpTo: (lastId: number) => Promise<number>,
  record: (row: Row) => KeyedRecord<R>,
  held: HeldRows | undefined,
): Promise<RowsRead<R>> {
  if (held) {
    const [upTo, rows] = await Promise.all([countUpTo(held.lastId), read(held.lastId)]);
    if (upTo === held.count) return { rows: rows.map(record), after: held.lastId };
  }
  return { rows: (await read(0)).map(record) };
}

function withoutId<R>({ id: _, ...record }: KeyedRecord<R>): R {
  return record as R;
}

const STEP_ID_ORDER = [{ step: "asc" as const }, { id: "asc" as const }];

/** A run's samples with their ids (all, or those after what a live page holds: readRowsAfter). */
export async function readSamples(runId: string, held?: HeldRows): Promise<RowsRead<SampleRecord>> {
  return readRowsAfter(
    (idAfter) => prisma().sample.findMany({ where: { runId, id: { gt: idAfter } }, orderBy: STEP_ID_ORDER }),
    (lastId) => prisma().sample.count({ where: { runId, id: { lte: lastId } } }),
    (r) => ({ id: r.id, step: r.step, temperature: r.temperature, text: r.text }),
    held,
  );
}

export interface LogRecord {
  id: number;
  step: number | null;
  level: string;
  message: string;
  time: string;
}

/**
 * A run's log lines (its console output) in order: the first `limit` after `afterId`, or with
 * `tail` the last `limit` (what a console shows first).
 */
export async function listLogs(runId: string, options: { afterId?: number; limit?: number; tail?: boolean } = {}): Promise<LogRecord[]> {
  const rows = await prisma().logLine.findMany({
    where: { runId, id: { gt: options.afterId ?? 0 } },
    orderBy: { id: options.tail ? "desc" : "asc" },
    take: options.limit ?? 1000,
  });
  if (options.tail) rows.reverse();
  return rows.map((r) => ({ id: r.id, step: r.step, level: r.level, message: r.message, time: r.time.toISOString() }));
}

/** A run's log lines in all, or those with ids in (after, upTo]: a live console counts only what it adds to the count it holds. */
export async function countLogs(runId: string, ids: { after?: number; upTo?: number } = {}): Promise<number> {
  return prisma().logLine.count({ where: { runId, id: { gt: ids.after ?? 0, ...(ids.upTo !== undefined ? { lte: ids.upTo } : {}) } } });
}

/** Every log line of a run, in order, a page at a time (a download of a long console). */
export async function* allLogs(runId: string, pageSize = 5000): AsyncGenerator<LogRecord[]> {
  for (let afterId = 0; ;) {
    const page = await listLogs(runId, { afterId, limit: pageSize });
    if (page.length === 0) return;
    yield page;
    afterId = page[page.length - 1].id;
  }
}

export interface DiagnosticRecord {
  step: number;
  kind: string;
  data: unknown;
}

export async function listDiagnostics(runId: string, kind?: string): Promise<DiagnosticRecord[]> {
  const rows = await prisma().diagnostic.findMany({ where: { runId, ...(kind ? { kind } : {}) }, orderBy: STEP_ID_ORDER });
  return rows.map((r) => withoutId(diagnosticOf(r)));
}

const diagnosticOf = (r: { id: number; step: number; kind: string; data: string }): KeyedRecord<DiagnosticRecord> => ({ id: r.id, step: r.step, kind: r.kind, data: JSON.parse(r.data) as unknown });

/** A run's diagnostics with their ids (all, or those after what a live page holds: readRowsAfter). */
export async function readDiagnostics(runId: string, held?: HeldRows): Promise<RowsRead<DiagnosticRecord>> {
  return readRowsAfter(
    (idAfter) => prisma().diagnostic.findMany({ where: { runId, id: { gt: idAfter } }, orderBy: STEP_ID_ORDER }),
    (lastId) => prisma().diagnostic.count({ where: { runId, id: { lte: lastId } } }),
    diagnosticOf,
    held,
  );
}
