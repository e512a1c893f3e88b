// Mean and 95% confidence interval of a few numbers (seed replicates): Student's t for small
// n. Shared by the runs table's configuration rows and the sweep page's parallel coordinates.

export interface Stat {
  mean: number | null;
  ci95: number | null;
  n: number;
}

const T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086];

/** Over the finite numbers among `values` (anything else is left out). */
export function meanCi(values: readonly unknown[]): Stat {
  const xs = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { mean: null, ci95: null, n };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, ci95: null, n };
  const sd = Math.sqrt(xs.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const t = n - 1 <= T95.length ? T95[n - 2] : 1.96 + 2.4 / (n - 1);
  return { mean, ci95: (t * sd) / Math.sqrt(n), n };
}
