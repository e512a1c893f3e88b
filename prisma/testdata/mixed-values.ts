import Database from "better-sqlite3";
import { databasePath } from "../database";
import type { RunRecord } from "../store/records";
import type * as Store from "../store";

// A sweep whose columns mix what broke the runs table (issue 17 §1): integers and decimals
// in the same column (dropout 0, 0.25, 0.5), booleans, absent keys, JSON nulls, NaN and ±Inf
// sent through the store (stored as null), ±Inf written by a foreign writer as 1e999 (which
// JSON.parse and SQLite both read as ±Infinity), a 32-bit seed, W&B-style metric names, and
// seed replicates. With it, an oracle that says what each cell must show, computed from the
// run as stored (getRun) and never from the table code, and the order SQLite sorts in.
// Used by the store/API tests (app/api/compare/table.test.ts) and the page journey
// (e2e/runs-values.e2e.ts).

type StoreApi = Pick<typeof Store, "createSweep" | "createRun" | "appendRunEvents" | "finishRun" | "claimNextRun" | "getRun">;

/** The columns the journey shows: every kind (fixed, config, params, summary, derived). */
export const MIXED_COLUMNS = [
  "state",
  "runtime",
  "step",
  "config.dropout",
  "config.layernorm",
  "config.learning_rate",
  "config.cell",
  "config.seed",
  "params.dropout",
  "params.layernorm",
  "summary.val_loss",
  "summary.train_loss",
  "summary.val_acc",
  "summary.val/loss",
  "summary.eval/acc@1",
  "derived.train_val_gap",
  "derived.first_nonfinite_step",
] as const;

interface Spec {
  config: Record<string, unknown>;
  /** metric points logged (NaN/Infinity allowed: they mark divergence) */
  points?: { step: number; values: Record<string, number | null> }[];
  /** merged over the live summary at the end (NaN becomes null when stored; ±Infinity is kept) */
  summary?: Record<string, number | null>;
  state?: "finished" | "diverged" | "queued";
}

const CONFIGS: Record<string, unknown>[] = [
  { cell: "lstm", dropout: 0, layernorm: false, learning_rate: 1 },
  { cell: "gru", dropout: 0.25, layernorm: true, learning_rate: 0.003 },
  { cell: "rnn", dropout: 0.5, layernorm: true, learning_rate: 0.01 },
  { cell: "lstm", learning_rate: 0.1 }, // no dropout, no layernorm
];

function specs(): Spec[] {
  const out: Spec[] = [];
  const seeds = [1574409985, 7];
  CONFIGS.forEach((config, c) => {
    seeds.forEach((seed, s) => {
      const k = c * 2 + s;
      const acc = [1, 0.92, 0.98, 0, 0.5, 1, 0.75, null][k];
      const val = [2, 1.868, 2.104, 3, 2.5, 1.25, 4, 0.5][k];
      const values: Record<string, number | null> = { train_loss: val - 0.125 * (k % 3), val_loss: val, "val/loss": val, "eval/acc@1": acc === null ? null : acc };
      if (acc !== null) values.val_acc = acc;
      const points = [{ step: 10, values: { ...values, train_loss: val + 1 } }, { step: 20, values }];
      if (k === 3) points.push({ step: 25, values: { train_loss: Number.NaN, val_acc: Number.POSITIVE_INFINITY } });
      out.push({
        config: { ...config, seed },
        points,
        summary: k === 5 ? { val_acc: Number.NaN, grad_norm: Number.NEGATIVE_INFINITY } : undefined,
        state: k === 3 ? "diverged" : "finished",
      });
    });
  });
  out.push({ config: { cell: "gru", dropout: 0.125, layernorm: false, learning_rate: 3, seed: 99 }, state: "queued" });
  return out;
}

/**
 * Create the sweep through the store; then, as a foreign writer would (another tool, an
 * import), put 1e999 and -1e999 into one run's stored JSON. Returns the ids in creation order.
 */
export async function seedMixedValues(store: StoreApi, name = "mixed-values"): Promise<{ sweepId: string; runIds: string[] }> {
  const sweep = await store.createSweep({
    name,
    config: { method: "grid", replicates: 2, metric: { name: "val_loss", goal: "minimize" }, parameters: { dropout: { values: [0, 0.25, 0.5] }, layernorm: { values: [false, true] } } },
    rawConfig: "",
    method: "grid",
    metricName: "val_loss",
    metricGoal: "minimize",
    concurrency: 1,
    seed: 17,
    state: "finished",
  });
  const runIds: string[] = [];
  let index = 0;
  for (const spec of specs()) {
    const params = Object.fromEntries(["dropout", "layernorm", "seed"].filter((k) => k in spec.config).map((k) => [k, spec.config[k]]));
    const run = await store.createRun({ sweepId: sweep.id, index: index++, config: { task: "charlm", ...spec.config }, params, claimedBy: spec.state === "queued" ? undefined : "fixture" });
    runIds.push(run.id);
    if (spec.state === "queued") continue;
    await store.appendRunEvents([{ runId: run.id, metrics: (spec.points ?? []).map((p) => ({ step: p.step, time: p.step / 10, values: p.values })) }]);
    await store.finishRun(run.id, { state: spec.state ?? "finished", summary: spec.summary, lastStep: spec.points?.at(-1)?.step ?? 0 });
    await new Promise((r) => setTimeout(r, 2)); // distinct creation times: ties sort by them
  }
  // the foreign writer: JSON text a JSON.stringify never makes
  const db = new Database(databasePath());
  try {
    db.prepare(`UPDATE Run SET summary = json_set(summary, '$.val_loss', json('1e999'), '$.train_loss', json('-1e999'), '$.val_acc', json('0.5')), config = json_set(config, '$.dropout', json('1e999')), params = json_set(params, '$.dropout', json('-1e999')) WHERE id = ?`).run(runIds[6]);
  } finally {
    db.close();
  }
  return { sweepId: sweep.id, runIds };
}

/** A JSON value as the table must show it (sql.ts parseJsonCell's rule, restated independently). */
export function shown(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === "number" && !Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
  return v;
}

/** The value a column must hold for a run as stored (getRun), at time `now` for a running run's runtime. */
export function expectedCell(run: RunRecord, field: string, now = Date.now()): unknown {
  switch (field) {
    case "id": return run.id;
    case "name": return run.name;
    case "state": return run.state;
    case "sweep": return run.sweepId;
    case "created": return run.createdAt;
    case "started": return run.startedAt;
    case "finished": return run.finishedAt;
    case "step": return run.lastStep;
    case "rerun_of": return run.rerunOf;
    case "index": return run.index;
    case "runtime": return run.startedAt ? Math.max(0, ((run.finishedAt ? Date.parse(run.finishedAt) : now) - Date.parse(run.startedAt)) / 1000) : null;
  }
  const dot = field.indexOf(".");
  const [source, key] = [field.slice(0, dot), field.slice(dot + 1)];
  if (source === "derived") {
    if (key === "train_val_gap") {
      // (a stored summary spells ±Infinity as a string)
      const number = (v: unknown) => (v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v);
      const [a, b] = [number(run.summary.val_loss), number(run.summary.train_loss)];
      if (typeof a !== "number" || typeof b !== "number") return null;
      const gap = a - b;
      return Number.isNaN(gap) ? null : shown(gap); // SQLite has no NaN: it is NULL
    }
    if (key === "first_nonfinite_step") {
      const steps = Object.entries(run.summary).filter(([k, v]) => k.endsWith("_first_nonfinite_step") && typeof v === "number").map(([, v]) => v as number);
      return steps.length ? Math.min(...steps) : null;
    }
  }
  // a metric whose last value was NaN: stored as null, with the step it first went non-finite
  if (source === "summary" && run.summary[key] === null && typeof run.summary[`${key}_first_nonfinite_step`] === "number") return "NaN";
  const doc = (source === "config" ? run.config : source === "params" ? run.params : run.summary) as Record<string, unknown>;
  return shown(doc[key]);
}

/** How SQLite orders a value: NULL apart, booleans as 0/1, numbers before text. */
export function sqlSortKey(v: unknown): number | string | null {
  if (v === null || v === undefined || v === "NaN") return null;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  return typeof v === "number" ? v : typeof v === "string" ? v : JSON.stringify(v);
}

export function compareSql(a: unknown, b: unknown): number {
  const [ka, kb] = [sqlSortKey(a), sqlSortKey(b)];
  if (ka === null || kb === null) return ka === kb ? 0 : ka === null ? 1 : -1;
  if (typeof ka === "number" && typeof kb === "number") return ka === kb ? 0 : ka < kb ? -1 : 1;
  if (typeof ka === "number") return -1;
  if (typeof kb === "number") return 1;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The runs table's order: the column (missing last either way), then newest first, then id. */
export function referenceOrder(runs: RunRecord[], sort: { field: string; desc: boolean }, now: number): string[] {
  return [...runs]
    .sort((a, b) => {
      const [va, vb] = [expectedCell(a, sort.field, now), expectedCell(b, sort.field, now)];
      const missing = (v: unknown) => sqlSortKey(v) === null;
      if (missing(va) !== missing(vb)) return missing(va) ? 1 : -1;
      const c = compareSql(va, vb) * (sort.desc ? -1 : 1);
      if (c !== 0) return c;
      return a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    })
    .map((r) => r.id);
}
