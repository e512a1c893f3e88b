import { LOG_SCALED, type SweepConfig } from "./config.ts";
import { makeRng, type Rng } from "./rng.ts";
import { pearson, ranks } from "./stats.ts";

export { pearson, ranks };

// Parameter importance for the sweep page, as W&B's panel shows it: the correlation of each
// parameter with the metric, and a model-based importance — a small random forest regressor
// (bootstrap trees of limited depth) scored by out-of-bag permutation importance (Breiman
// 2001): how much the forest's error grows when a parameter's values are shuffled.
// Log-scaled parameters are used in log space; categorical ones are one-hot encoded (the
// correlation shown is that of the level that correlates most). Pure and seeded.

export interface ImportanceRun {
  params: Record<string, unknown>;
  /** the run's metric value; runs without a finite value are left out */
  value: number | null;
}

export interface ParamImportance {
  param: string;
  /** Pearson correlation with the metric (null when undefined: constant column or < 3 runs) */
  correlation: number | null;
  /** Spearman rank correlation with the metric */
  spearman: number | null;
  /** share of the forest's permutation importance, in [0, 1]; the shares sum to 1 (or all 0) */
  importance: number;
  /** categorical parameters: the level whose one-hot column the correlations describe */
  level?: string;
}

export interface ImportanceOptions {
  /** the sweep's config: tells which parameters are swept and which are log-scaled */
  config?: SweepConfig;
  seed?: number;
  trees?: number;
  maxDepth?: number;
  minLeaf?: number;
}

interface Column {
  param: string;
  level?: string;
  x: number[];
}

export function parameterImportance(runs: readonly ImportanceRun[], options: ImportanceOptions = {}): ParamImportance[] {
  const rows = runs.filter((r) => r.value !== null && Number.isFinite(r.value));
  const y = rows.map((r) => r.value as number);
  const names = options.config
    ? Object.keys(options.config.parameters)
    : [...new Set(rows.flatMap((r) => Object.keys(r.params)))].filter((k) => k !== "seed");

  const groups: { param: string; columns: Column[]; numeric: boolean }[] = [];
  for (const param of names) {
    const raw = rows.map((r) => r.params[param]);
    const distinct = new Set(raw.map((v) => JSON.stringify(v)));
    if (distinct.size < 2) continue; // constant: says nothing
    const numeric = raw.every((v) => typeof v === "number" && Number.isFinite(v));
    if (numeric) {
      const xs = raw as number[];
      const log = isLogScaled(param, xs, options.config);
      groups.push({ param, numeric, columns: [{ param, x: log ? xs.map((v) => Math.log(v)) : xs }] });
    } else {
      const levels = [...distinct];
      groups.push({
        param,
        numeric,
        columns: levels.map((lv) => ({
          param,
          level: levelName(lv),
          x: raw.map((v) => (JSON.stringify(v) === lv ? 1 : 0)),
        })),
      });
    }
  }

  const importance = permutationImportance(groups.map((g) => g.columns.map((c) => c.x)), y, {
    seed: options.seed ?? 0,
    trees: options.trees ?? 64,
    maxDepth: options.maxDepth ?? 6,
    minLeaf: options.minLeaf ?? 2,
  });

  const result = groups.map((g, gi): ParamImportance => {
    let col = g.columns[0];
    if (!g.numeric) {
      const r = (c: Column) => Math.abs(pearson(c.x, y) ?? 0);
      col = g.columns.reduce((a, b) => (r(b) > r(a) ? b : a));
    }
    const row: ParamImportance = {
      param: g.param,
      correlation: pearson(col.x, y),
      spearman: pearson(ranks(col.x), ranks(y)),
      importance: importance[gi],
    };
    if (col.level !== undefined) row.level = col.level;
    return row;
  });
  return result.sort(
    (a, b) => b.importance - a.importance || Math.abs(b.correlation ?? 0) - Math.abs(a.correlation ?? 0) || a.param.localeCompare(b.param),
  );
}

function levelName(json: string): string {
  const v: unknown = JSON.parse(json);
  return typeof v === "string" ? v : json;
}

function isLogScaled(param: string, xs: number[], config?: SweepConfig): boolean {
  const spec = config?.parameters[param];
  if (spec) return LOG_SCALED.has(spec.distribution);
  // without a config: positive values spanning two decades or more
  const min = Math.min(...xs);
  return min > 0 && Math.max(...xs) / min >= 100;
}

// --- statistics -----------------------------------------------------------------------------

// --- a small random forest ------------------------------------------------------------------

type Tree = { leaf: number } | { feature: number; threshold: number; left: Tree; right: Tree };

interface ForestOptions {
  seed: number;
  trees: number;
  maxDepth: number;
  minLeaf: number;
}

function buildTree(X: number[][], y: number[], idx: number[], depth: number, o: ForestOptions, mtry: number, rng: Rng): Tree {
  const mean = idx.reduce((s, i) => s + y[i], 0) / idx.length;
  if (depth >= o.maxDepth || idx.length < 2 * o.minLeaf) return { leaf: mean };
  const p = X[0].length;
  // choose mtry features without replacement
  const features = Array.from({ length: p }, (_, f) => f);
  for (let i = 0; i < mtry; i++) {
    const j = i + rng.int(p - i);
    [features[i], features[j]] = [features[j], features[i]];
  }
  let best: { feature: number; threshold: number; gain: number } | null = null;
  const total = idx.reduce((s, i) => s + y[i], 0);
  const n = idx.length;
  for (const f of features.slice(0, mtry)) {
    const sorted = [...idx].sort((a, b) => X[a][f] - X[b][f]);
    let leftSum = 0;
    for (let k = 0; k < n - 1; k++) {
      leftSum += y[sorted[k]];
      const nl = k + 1;
      const nr = n - nl;
      if (nl < o.minLeaf || nr < o.minLeaf) continue;
      const a = X[sorted[k]][f];
      const b = X[sorted[k + 1]][f];
      if (a === b) continue;
      // SSE reduction = nl·meanL² + nr·meanR² − n·mean²
      const gain = (leftSum * leftSum) / nl + ((total - leftSum) * (total - leftSum)) / nr - (total * total) / n;
      if (!best || gain > best.gain) best = { feature: f, threshold: (a + b) / 2, gain };
    }
  }
  if (!best || best.gain <= 1e-12) return { leaf: mean };
  const { feature, threshold } = best;
  const left = idx.filter((i) => X[i][feature] <= threshold);
  const right = idx.filter((i) => X[i][feature] > threshold);
  return {
    feature,
    threshold,
    left: buildTree(X, y, left, depth + 1, o, mtry, rng),
    right: buildTree(X, y, right, depth + 1, o, mtry, rng),
  };
}

function predict(tree: Tree, x: readonly number[]): number {
  let t = tree;
  while (!("leaf" in t)) t = x[t.feature] <= t.threshold ? t.left : t.right;
  return t.leaf;
}

/**
 * Out-of-bag permutation importance of each group of columns (a parameter's one-hot columns
 * are permuted together). Returns one share per group, summing to 1 (or all 0).
 */
function permutationImportance(groups: number[][][], y: number[], o: ForestOptions): number[] {
  const n = y.length;
  if (groups.length === 0 || n < 4) return groups.map(() => 0);
  const colsOf: number[][] = [];
  const columns: number[][] = [];
  for (const g of groups) {
    colsOf.push(g.map((c) => columns.push(c) - 1));
  }
  const X = Array.from({ length: n }, (_, i) => columns.map((c) => c[i]));
  const p = columns.length;
  const mtry = Math.max(1, Math.ceil(p / 3));
  const rng = makeRng(o.seed, 0x1f0e57);
  const raw = new Array<number>(groups.length).fill(0);
  let used = 0;
  for (let t = 0; t < o.trees; t++) {
    const inBag = new Array<boolean>(n).fill(false);
    const sample = Array.from({ length: n }, () => {
      const i = rng.int(n);
      inBag[i] = true;
      return i;
    });
    const oob = inBag.flatMap((b, i) => (b ? [] : [i]));
    const tree = buildTree(X, y, sample, 0, o, mtry, rng);
    if (oob.length < 2) continue;
    used++;
    const mse = (rowsX: number[][]) => rowsX.reduce((s, x, k) => s + (predict(tree, x) - y[oob[k]]) ** 2, 0) / oob.length;
    const base = mse(oob.map((i) => X[i]));
    groups.forEach((_, g) => {
      // shuffle the group's columns among the OOB rows (Fisher–Yates)
      const perm = [...oob];
      for (let k = perm.length - 1; k > 0; k--) {
        const j = rng.int(k + 1);
        [perm[k], perm[j]] = [perm[j], perm[k]];
      }
      const shuffled = oob.map((i, k) => {
        const x = [...X[i]];
        for (const c of colsOf[g]) x[c] = X[perm[k]][c];
        return x;
      });
      raw[g] += mse(shuffled) - base;
    });
  }
  const clipped = raw.map((v) => (used > 0 ? Math.max(0, v / used) : 0));
  const sum = clipped.reduce((a, b) => a + b, 0);
  return clipped.map((v) => (sum > 0 ? v / sum : 0));
}
