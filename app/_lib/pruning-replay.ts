import type { EarlyTerminate } from "../../sweeps/config";
import type { GridCell } from "../../sweeps/stop/replay";
import type { ReplayBody } from "../sweeps/replay";

// Data shaping of the sweep page's Pruning replay panel (app/_components/sweeps/ReplayPanel):
// the settings form ↔ the `early_terminate` block the API checks, what happened beside what
// the replay would do, run by run, and the eta × min_iter grid as rows.

export interface ReplayForm {
  type: "hyperband" | "median";
  eta: string;
  min_iter: string;
  max_iter: string;
  s: string;
  strict: boolean;
  min_runs: string;
}

const text = (v: number | undefined) => (v === undefined ? "" : String(v));

/** The form filled with the sweep's own settings (hyperband, eta 3, min_iter 3 when it had none). */
export function formFromSettings(et: EarlyTerminate | null | undefined): ReplayForm {
  if (et?.type === "median") return { type: "median", eta: "3", min_iter: text(et.min_iter), max_iter: "", s: "", strict: true, min_runs: text(et.min_runs) };
  if (et?.type === "hyperband") return { type: "hyperband", eta: text(et.eta), min_iter: text(et.min_iter), max_iter: text(et.max_iter), s: text(et.s), strict: et.strict, min_runs: "5" };
  return { type: "hyperband", eta: "3", min_iter: "3", max_iter: "", s: "", strict: true, min_runs: "5" };
}

/** A field as the API gets it: a number when it reads as one, else the text (the API names the field), nothing when empty. */
function field(value: string): number | string | undefined {
  const t = value.trim();
  if (t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** The `early_terminate` block of the form, for POST /api/sweeps/:id/replay. */
export function requestFromForm(f: ReplayForm): Record<string, unknown> {
  const picked: Record<string, unknown> =
    f.type === "median"
      ? { type: "median", min_iter: field(f.min_iter), min_runs: field(f.min_runs) }
      : { type: "hyperband", eta: field(f.eta), min_iter: field(f.min_iter), max_iter: field(f.max_iter), s: field(f.s), strict: f.strict };
  return Object.fromEntries(Object.entries(picked).filter(([, v]) => v !== undefined));
}

/** One line of the settings: "hyperband · eta 3 · min_iter 3 · strict". */
export function describeSettings(et: EarlyTerminate | null): string {
  if (!et) return "no early termination";
  if (et.type === "median") return `median · min_iter ${et.min_iter} · min_runs ${et.min_runs}`;
  const parts = [`eta ${et.eta}`];
  if (et.max_iter !== undefined) parts.push(`max_iter ${et.max_iter}`, `s ${et.s}`);
  else parts.push(`min_iter ${et.min_iter}`);
  return `hyperband · ${parts.join(" · ")} · ${et.strict ? "strict" : "best so far"}`;
}

export interface ComparisonRow {
  id: string;
  name: string;
  /**
   * What happened: pruned (at its last step; `evaluation`: where the live rule decided), condemned
   * by the live rule but finished before the stop reached its worker, or kept.
   */
  actual: { kind: "pruned"; step: number; evaluation: number | null } | { kind: "finished-first"; evaluation: number; step: number } | { kind: "kept" };
  replay: { kind: "stopped"; evaluation: number; step: number; reason: string } | { kind: "unknown"; lastStep: number } | { kind: "kept" };
}

/** Every run stopped by either side: the replay's in the order it stopped them, then the rest. */
export function comparisonRows(body: Pick<ReplayBody, "stopped" | "unknown" | "actual" | "decided_live">): ComparisonRow[] {
  const pruned = new Map(body.actual.stopped.map((s) => [s.id, s]));
  const decided = new Map((body.decided_live ?? []).map((s) => [s.id, s]));
  const unknown = new Map(body.unknown.map((u) => [u.id, u.last_step]));
  const replayed = new Map(body.stopped.map((s) => [s.id, s]));
  const names = new Map([...body.stopped, ...body.actual.stopped, ...(body.decided_live ?? [])].map((s) => [s.id, s.name]));
  return [...names].map(([id, name]) => {
    const p = pruned.get(id);
    const d = decided.get(id);
    const r = replayed.get(id);
    const last = unknown.get(id);
    return {
      id,
      name,
      actual: p ? { kind: "pruned", step: p.step, evaluation: d?.evaluation ?? null } : d ? { kind: "finished-first", evaluation: d.evaluation, step: d.step } : { kind: "kept" },
      replay: r ? { kind: "stopped", evaluation: r.evaluation, step: r.step, reason: r.reason } : last !== undefined ? { kind: "unknown", lastStep: last } : { kind: "kept" },
    };
  });
}

export interface GridRow {
  eta: number;
  cells: (GridCell & { current: boolean })[];
}

/** The grid as rows by eta, columns by min_iter; `current` marks the replayed settings' cell. */
export function gridRows(body: Pick<ReplayBody, "grid" | "early_terminate">): GridRow[] {
  const et = body.early_terminate;
  const isCurrent = (c: GridCell) => et.type === "hyperband" && et.max_iter === undefined && et.eta === c.eta && et.min_iter === c.min_iter && et.strict === body.grid.strict;
  return body.grid.etas.map((eta) => ({
    eta,
    cells: body.grid.min_iters.map((m) => body.grid.cells.find((c) => c.eta === eta && c.min_iter === m)!).map((c) => ({ ...c, current: isCurrent(c) })),
  }));
}

/** A fraction as a percentage with one decimal: 0.4567 → "45.7%". */
export function formatShare(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}
