import type { ParamImportance } from "../../sweeps/importance";

// Ordering of the importance panel's rows (the numbers come from sweeps/importance.ts).

export type ImportanceSort = "importance" | "correlation";

/** Sorted for the bar chart: by importance share, or by |correlation| (undefined last); ties by name. */
export function sortImportance(rows: readonly ParamImportance[], by: ImportanceSort): ParamImportance[] {
  const abs = (r: ParamImportance) => (r.correlation === null ? -1 : Math.abs(r.correlation));
  return [...rows].sort((a, b) =>
    by === "importance" ? b.importance - a.importance || abs(b) - abs(a) || a.param.localeCompare(b.param) : abs(b) - abs(a) || b.importance - a.importance || a.param.localeCompare(b.param),
  );
}
