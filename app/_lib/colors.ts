// Every run has one stable colour, derived from its id, used wherever the run appears.

// Twenty hues spread around the wheel (Tableau/D3 categorical families, greys left out), so
// a handful of runs rarely lands on look-alike colours.
const PALETTE = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf", "#393b79",
  "#e6550d", "#31a354", "#7b4173", "#3182bd", "#f5b800", "#637939", "#ad494a", "#6b6ecf", "#0b8f8f", "#c2185b",
];

export function runColor(id: string): string {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return PALETTE[(h >>> 0) % PALETTE.length];
}

export { PALETTE };
