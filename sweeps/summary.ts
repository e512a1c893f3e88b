// A run's summary, updated as metric points arrive: for each metric `m`, `m` is the last
// value; for losses and accuracies also `m_best` (the best value) and `m_best_step` (its
// step); for any metric that went NaN/Inf, `m_first_nonfinite_step`. Accuracy is better
// when higher, losses when lower.

export type Summary = Record<string, number | null>;

/**
 * A summary value as the store returns it: an infinite value (a metric whose last value was inf,
 * a client's `summary["best"] = float("inf")`) is the string "Infinity" or "-Infinity", as the
 * runs table and the CSV spell it, since JSON — every API answer — has no number for it.
 */
export type SummaryValue = number | null | "Infinity" | "-Infinity";
export type StoredSummary = Record<string, SummaryValue>;

/** A stored summary value as a number, ±Infinity included, or null. */
export const summaryNumber = (v: SummaryValue | undefined): number | null => (typeof v === "number" ? v : v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : null);

/**
 * A summary value as the tables and CSVs show it: a metric whose last value was NaN is stored as
 * null beside `<metric>_first_nonfinite_step`, and reads "NaN"; one never logged stays null.
 */
export const shownSummaryValue = (value: SummaryValue | undefined, firstNonfiniteStep: unknown): SummaryValue | "NaN" =>
  value === null && firstNonfiniteStep !== null && firstNonfiniteStep !== undefined ? "NaN" : (value ?? null);

/** The summary key that records when `metric` first went NaN/Inf. */
export const firstNonfiniteKey = (metric: string) => `${metric}_first_nonfinite_step`;

// W&B-style names count too: `val/loss`, `eval.loss`, `eval/acc@1` (top-1 accuracy).
export function higherIsBetter(metric: string): boolean {
  return /(^|[_/.])(acc|accuracy)(@\d+)?$/.test(metric);
}

/** Metrics whose best value is worth tracking (a best learning rate or gradient norm is not). */
export function tracksBest(metric: string): boolean {
  return /(^|[_/.])(loss|acc|accuracy|perplexity|bpc)(@\d+)?$/.test(metric);
}

/** Fold metric values of one step into a summary (in place); non-finite values never become best. */
export function foldIntoSummary(summary: Summary, step: number, values: Record<string, number | null>): Summary {
  for (const [name, value] of Object.entries(values)) {
    // an infinite last value is kept (the table shows it; the store writes ±9e999); NaN has no order: null
    summary[name] = value === null || Number.isNaN(value) ? null : value;
    if (value === null || !Number.isFinite(value)) {
      if (summary[firstNonfiniteKey(name)] == null) summary[firstNonfiniteKey(name)] = step;
      continue;
    }
    if (!tracksBest(name)) continue;
    const best = summary[`${name}_best`];
    const better = best == null || (higherIsBetter(name) ? value > best : value < best);
    if (better) {
      summary[`${name}_best`] = value;
      summary[`${name}_best_step`] = step;
    }
  }
  return summary;
}
