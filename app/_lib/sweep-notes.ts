import type { RunState } from "../../sweeps/states";
import { summaryNumber, type StoredSummary } from "../../sweeps/summary";

// What the sweep page says above its panels: the config's warnings (sweepWarnings, from the
// stored config) and, plainly, when the sweep's runs never logged its metric (issue 17 §3: a
// misspelt `val_los` ended with "no value yet" everywhere). Pure; the view only renders.

export interface MetricNote {
  /** "never": the sweep ended and no run logged the metric; "not-yet": runs ended without it, the sweep goes on */
  kind: "never" | "not-yet";
  /** runs that ended */
  ended: number;
  /** metrics the runs did log, most common first */
  logged: string[];
}

/** summary keys derived from a metric, and internal ones ("_runtime") */
const DERIVED = /_(best|best_step|first_nonfinite_step)$/;
const NOT_METRICS = new Set(["step", "runtime"]);
const ENDED: ReadonlySet<RunState> = new Set(["finished", "failed", "diverged", "crashed", "stopped", "pruned"]);

/** null while the metric is there (or nothing has ended yet); else what to say. */
export function metricNote(runs: readonly { state: RunState; summary: StoredSummary }[], metric: string, sweepEnded: boolean): MetricNote | null {
  const ended = runs.filter((r) => ENDED.has(r.state));
  if (ended.length === 0) return null;
  // (a metric whose value went to ±Infinity was logged too)
  const has = (r: (typeof runs)[number]) => Object.keys(r.summary).some((k) => (k === metric || k === `${metric}_best`) && summaryNumber(r.summary[k]) !== null);
  if (runs.some(has)) return null;
  const counts = new Map<string, number>();
  for (const r of runs) for (const k of Object.keys(r.summary)) if (!DERIVED.test(k) && !NOT_METRICS.has(k) && !k.startsWith("_")) counts.set(k, (counts.get(k) ?? 0) + 1);
  const logged = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
  return { kind: sweepEnded ? "never" : "not-yet", ended: ended.length, logged };
}

/** The sentence for a MetricNote. */
export function metricNoteText(note: MetricNote, metric: string): string {
  const runs = `${note.ended} run${note.ended === 1 ? "" : "s"}`;
  const logged = note.logged.length ? ` They logged ${note.logged.join(", ")}.` : "";
  return note.kind === "never"
    ? `This sweep never saw its metric ${metric}: none of its ${runs} logged it, so it has no best run, no importance, and its search and early termination had nothing to go on.${logged}`
    : `None of the ${runs} that ended so far logged the sweep's metric ${metric}: the search and early termination have nothing to go on.${logged}`;
}
