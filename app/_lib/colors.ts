// Run colours are given per view, as in W&B: a view (the compare page, a sweep page, a run
// page, the runs table's selection) lists its runs in a stable order and the i-th run takes
// the i-th palette colour. So the first twenty runs of a view all differ, and every panel of
// the view (curves, legends, parallel coordinates, table swatches) shows a run in one colour:
// the view computes `runColors(...)` once and hands the map to its panels.
//
// Live views list their runs in creation order (`byCreation`): a run that appears later takes
// the next colour and never recolours the runs already shown. Never colour by a table's sort,
// which the user changes.

/** Twenty hues spread around the wheel (Tableau/D3 categorical families, greys left out). */
export const PALETTE = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf", "#393b79",
  "#e6550d", "#31a354", "#7b4173", "#3182bd", "#f5b800", "#637939", "#ad494a", "#6b6ecf", "#0b8f8f", "#c2185b",
];

/** A run the view has no colour for (not listed yet, e.g. between two polls). */
export const NO_COLOR = "#c0c6cf";

export type RunColors = ReadonlyMap<string, string>;

/** The view's colours: ids in the view's order (repeats keep their first colour), palette in turn. */
export function runColors(ids: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const id of ids) if (!out.has(id)) out.set(id, colorAt(out.size));
  return out;
}

/** The colour of the run at `rank` in its view's order (what runColors gives it). */
export function colorAt(rank: number): string {
  return PALETTE[rank % PALETTE.length];
}

export function colorOf(colors: RunColors, id: string): string {
  return colors.get(id) ?? NO_COLOR;
}

/** Creation order (then the sweep's proposal index, then the id): how live views order their colours. */
export function byCreation(a: { id: string; createdAt: string; index?: number }, b: { id: string; createdAt: string; index?: number }): number {
  return a.createdAt.localeCompare(b.createdAt) || (a.index ?? 0) - (b.index ?? 0) || a.id.localeCompare(b.id);
}
