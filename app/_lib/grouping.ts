// Grouping runs: the curves of a group → one mean line with a min–max or ±std band (compare
// view, sweep page). Seed replicates in the runs table are folded by the store (runs-table.ts).

export type BandKind = "minmax" | "std" | "none";

export interface Curve {
  xs: ArrayLike<number>;
  ys: ArrayLike<number | null>;
}

export interface GroupCurve {
  xs: number[];
  mean: number[];
  lo: number[];
  hi: number[];
  /** Members that have a value at each x (runs cut short stop counting). */
  n: number[];
}

/** y of a curve at x by linear interpolation; null outside its x range or next to a gap. */
export function valueAt(curve: Curve, x: number, hint = 0): { y: number | null; index: number } {
  const { xs, ys } = curve;
  const n = xs.length;
  if (n === 0 || x < xs[0] || x > xs[n - 1]) return { y: null, index: hint };
  let i = Math.min(Math.max(hint, 0), n - 1);
  while (i > 0 && xs[i] > x) i--;
  while (i < n - 1 && xs[i + 1] <= x) i++;
  const y0 = ys[i];
  if (xs[i] === x || i === n - 1) return { y: y0 === null || !Number.isFinite(y0) ? null : y0, index: i };
  const y1 = ys[i + 1];
  if (y0 === null || y1 === null || !Number.isFinite(y0) || !Number.isFinite(y1)) return { y: null, index: i };
  const t = (x - xs[i]) / (xs[i + 1] - xs[i]);
  return { y: y0 + t * (y1 - y0), index: i };
}

/** The x grid a group is evaluated on: every member's x, thinned to at most `maxPoints`. */
export function groupGrid(curves: Curve[], maxPoints = 1000): number[] {
  const all = new Set<number>();
  for (const c of curves) for (let i = 0; i < c.xs.length; i++) all.add(c.xs[i]);
  const xs = [...all].sort((a, b) => a - b);
  if (xs.length <= maxPoints) return xs;
  const out: number[] = [];
  const stride = (xs.length - 1) / (maxPoints - 1);
  for (let k = 0; k < maxPoints; k++) out.push(xs[Math.round(k * stride)]);
  return [...new Set(out)];
}

export function aggregateCurves(curves: Curve[], band: BandKind, maxPoints = 1000): GroupCurve {
  const grid = groupGrid(curves, maxPoints);
  const hints = curves.map(() => 0);
  const out: GroupCurve = { xs: [], mean: [], lo: [], hi: [], n: [] };
  for (const x of grid) {
    const values: number[] = [];
    curves.forEach((c, k) => {
      const { y, index } = valueAt(c, x, hints[k]);
      hints[k] = index;
      if (y !== null) values.push(y);
    });
    if (values.length === 0) continue;
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    let lo = mean;
    let hi = mean;
    if (band === "minmax") {
      lo = Math.min(...values);
      hi = Math.max(...values);
    } else if (band === "std") {
      const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, values.length - 1));
      lo = mean - sd;
      hi = mean + sd;
    }
    out.xs.push(x);
    out.mean.push(mean);
    out.lo.push(lo);
    out.hi.push(hi);
    out.n.push(values.length);
  }
  return out;
}
