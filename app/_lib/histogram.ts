import { oneNotation } from "./format";
import { fieldValue, type SweepRunLike } from "./sweep-parcoords";

// Data shaping of the histogram panel (app/_components/sweeps/HistogramPanel): one summary
// metric across the runs of a sweep or a comparison, with the runs of a selection (the brush,
// the runs shown) counted beside all of them over the same bins.

export interface Histogram {
  /** bin edges, ascending: bin i is [edges[i], edges[i+1]), the last one closed */
  edges: number[];
  /** runs per bin: all of them, and the selection's (null: no selection) */
  counts: number[];
  selected: number[] | null;
  /** runs with a finite value */
  n: number;
}

/** Equal-width bins over the values: √n of them (1 to 30); one bin around a single value. */
export function binEdges(values: readonly number[], bins?: number): number[] {
  if (values.length === 0) return [];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (lo === hi) return [lo - 0.5, lo + 0.5];
  const k = bins ?? Math.min(30, Math.max(1, Math.ceil(Math.sqrt(values.length))));
  return Array.from({ length: k + 1 }, (_, i) => (i === k ? hi : lo + ((hi - lo) * i) / k));
}

/** How many values fall in each bin (the last bin includes its upper edge). */
export function countInBins(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(Math.max(0, edges.length - 1)).fill(0);
  const last = edges.length - 2;
  for (const v of values) {
    if (last < 0 || v < edges[0] || v > edges[last + 1]) continue;
    let i = 0;
    while (i < last && v >= edges[i + 1]) i++;
    counts[i]++;
  }
  return counts;
}

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** The histogram of `key` over `runs`, and of the runs in `selection` over the same bins. */
export function histogramOf(runs: readonly SweepRunLike[], key: string, selection: ReadonlySet<string> | null): Histogram {
  const values = runs.map((r) => fieldValue(r, key)).filter(finite);
  const edges = binEdges(values);
  const selected = selection ? runs.filter((r) => selection.has(r.id)).map((r) => fieldValue(r, key)).filter(finite) : null;
  return { edges, counts: countInBins(values, edges), selected: selected && countInBins(selected, edges), n: values.length };
}

/**
 * Each bin's label, "lo–hi": the edges at the table's precision (the lowest run's value reads as
 * the first bin's start, 1.696, not 1.7), all in one notation (oneNotation): "2e-4–4.1e-3", never
 * "2e-4–0.0041".
 */
export function binLabels(edges: readonly number[]): string[] {
  const label = oneNotation(edges, 4);
  return edges.slice(1).map((hi, i) => `${label(edges[i])}–${label(hi)}`);
}
