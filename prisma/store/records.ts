import type { RunState, SweepState } from "../../sweeps/states";
import type { StoredSummary } from "../../sweeps/summary";

// The plain objects the store returns (never Prisma rows), and the row→object mapping.

export type Json = Record<string, unknown>;
export type Summary = Record<string, number | null>;

/**
 * A summary as the store writes it: JSON with ±Infinity as ±9e999, SQLite's own spelling of an
 * infinite REAL (json_extract reads it back as one) and a numeric Postgres's jsonb keeps, so the
 * value sorts above (or below) every number. JSON.stringify would write null. NaN stays null:
 * `<metric>_first_nonfinite_step` says when it went.
 */
export function summaryJson(summary: Summary): string {
  const body = Object.entries(summary).map(([k, v]) => `${JSON.stringify(k)}:${v === Infinity ? "9e999" : v === -Infinity ? "-9e999" : JSON.stringify(v ?? null)}`);
  return `{${body.join(",")}}`;
}

/** A stored summary read: ±9e999 (parsed as ±Infinity) become "Infinity" and "-Infinity". */
export function parseSummary(text: unknown): StoredSummary {
  const summary = parseJson(text) as Summary;
  for (const [k, v] of Object.entries(summary)) if (v === Infinity || v === -Infinity) (summary as StoredSummary)[k] = v > 0 ? "Infinity" : "-Infinity";
  return summary;
}

export interface RunRecord {
  id: string;
  name: string;
  sweepId: string | null;
  index: number;
  state: RunState;
  /** The resolved RunConfig (may be frozen and shared between listings: do not mutate). */
  config: Json;
  params: Json;
  summary: StoredSummary;
  error: string | null;
  divergedAt: number | null;
  lastStep: number;
  claimedBy: string | null;
  pid: number | null;
  heartbeatAt: string | null;
  stopRequested: boolean;
  rerunOf: string | null;
  /** A fork: the run it continues from a checkpoint of, and that checkpoint's step. */
  forkOf: string | null;
  forkStep: number | null;
  /** The run group (W&B's `group`), or null. */
  runGroup: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Seconds from start to finish (or to now while running); null before it starts. */
  runtime: number | null;
  /** The sequence number of the last batch of events stored (sweeps/ingest.ts). */
  ingestSeq: number;
  /** ... and of the last batch its program's client sent through the logging API. */
  clientSeq: number;
  /** The step of the last checkpoint whose events are all stored: the run resumes from it. */
  checkpointStep: number | null;
  /** Times the run was interrupted (its executor stopped) and put back in the queue. */
  interruptions: number;
  /** Housekeeping (housekeeping.ts): the user's tags and notes, and when it was archived (null: shown). */
  tags: string[];
  notes: string;
  archivedAt: string | null;
  /** "engine" (config is a RunConfig, trained by our worker) or "program" (any program, config free-form). */
  kind: RunKind;
  project: string;
}

export type RunKind = "engine" | "program";
/** The project of runs and sweeps that name none. */
export const DEFAULT_PROJECT = "default";

export interface SweepRecord {
  id: string;
  name: string;
  config: Json;
  rawConfig: string;
  method: string;
  /** "" when the sweep names no metric (a program's sweep may not, as in W&B): no best run, no goal */
  metricName: string;
  metricGoal: "minimize" | "maximize";
  state: SweepState;
  stateReason: string | null;
  concurrency: number;
  seed: number;
  runCap: number | null;
  proposed: number;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  /** The executor that runs it alone (`npm run sweep`'s owner id), or null: the server and any agent. */
  heldBy: string | null;
  tags: string[];
  notes: string;
  archivedAt: string | null;
  project: string;
}

/** A row as SQLite returns it through a raw query (integers may be bigint, dates text). */
export type RawRow = Record<string, unknown>;

export const num = (v: unknown): number => (typeof v === "bigint" ? Number(v) : (v as number));
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

/** SQLite stores DateTime as ISO text (raw queries) or Date (Prisma models). */
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const ISO_OFFSET_ZERO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/;

export function iso(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") {
    if (ISO_UTC.test(v)) return v; // how this store's own SQL writes a time (toISOString)
    // how Prisma's SQLite adapter writes a DateTime: the same instant, without a Date (10,000 of
    // them were ~7 ms of listing 10,000 runs)
    if (ISO_OFFSET_ZERO.test(v)) return `${v.slice(0, 23)}Z`;
  }

  if (v instanceof Date) return v.toISOString();
  if (typeof v === "bigint" || typeof v === "number") return new Date(Number(v)).toISOString();
  const s = String(v);
  return new Date(s.includes("T") || s.includes("Z") ? s : s.replace(" ", "T") + "Z").toISOString();
}

/** A tags column: a JSON array of strings, NULL for none. */
export function parseTags(v: unknown): string[] {
  if (typeof v !== "string" || v === "") return [];
  const tags = JSON.parse(v) as unknown;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
}

function parseJson(v: unknown): Json {
  if (typeof v !== "string" || v === "") return {};
  return JSON.parse(v) as Json;
}

/** `config`: the parsed config when the caller has it already (listings cache them). */
export function toRunRecord(row: RawRow, now = Date.now(), config?: Json): RunRecord {
  const startedAt = iso(row.startedAt);
  const finishedAt = iso(row.finishedAt);
  const runtime = startedAt ? ((finishedAt ? Date.parse(finishedAt) : now) - Date.parse(startedAt)) / 1000 : null;
  return {
    id: row.id as string,
    name: row.name as string,
    sweepId: (row.sweepId as string | null) ?? null,
    index: num(row.index),
    state: row.state as RunState,
    config: config ?? parseJson(row.config),
    params: parseJson(row.params),
    summary: parseSummary(row.summary),
    error: (row.error as string | null) ?? null,
    divergedAt: numOrNull(row.divergedAt),
    lastStep: num(row.lastStep),
    claimedBy: (row.claimedBy as string | null) ?? null,
    pid: numOrNull(row.pid),
    heartbeatAt: iso(row.heartbeatAt),
    stopRequested: Boolean(num(row.stopRequested)),
    rerunOf: (row.rerunOf as string | null) ?? null,
    forkOf: (row.forkOf as string | null | undefined) ?? null,
    forkStep: numOrNull(row.forkStep),
    runGroup: (row.runGroup as string | null | undefined) ?? null,
    createdAt: iso(row.createdAt)!,
    startedAt,
    finishedAt,
    runtime: runtime === null ? null : Math.max(0, runtime),
    // (listings that do not select these columns get the values of a run never interrupted)
    ingestSeq: numOrNull(row.ingestSeq) ?? 0,
    clientSeq: numOrNull(row.clientSeq) ?? 0,
    checkpointStep: numOrNull(row.checkpointStep),
    interruptions: numOrNull(row.interruptions) ?? 0,
    tags: parseTags(row.tags),
    notes: (row.notes as string | null | undefined) ?? "",
    archivedAt: iso(row.archivedAt),
    kind: row.kind === "program" ? "program" : "engine",
    project: (row.project as string | undefined) ?? DEFAULT_PROJECT,
  };
}

export function toSweepRecord(row: RawRow): SweepRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    config: parseJson(row.config),
    rawConfig: row.rawConfig as string,
    method: row.method as string,
    metricName: row.metricName as string,
    metricGoal: row.metricGoal === "maximize" ? "maximize" : "minimize",
    state: row.state as SweepState,
    stateReason: (row.stateReason as string | null) ?? null,
    concurrency: num(row.concurrency),
    seed: num(row.seed),
    runCap: numOrNull(row.runCap),
    proposed: num(row.proposed),
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!,
    finishedAt: iso(row.finishedAt),
    heldBy: (row.heldBy as string | null | undefined) ?? null,
    tags: parseTags(row.tags),
    notes: (row.notes as string | null | undefined) ?? "",
    archivedAt: iso(row.archivedAt),
    project: (row.project as string | undefined) ?? DEFAULT_PROJECT,
  };
}
