import { runConfigShape } from "../../engine/config";
import { inferDistribution, isPlainObject, LOG_SCALED, type Distribution } from "../../sweeps/config";
import { KEY_PATTERN } from "../../sweeps/names";
import { formatNumber } from "./format";

// Data shaping for the sweep's parallel-coordinates chart (the chart component only draws):
// one axis per varied hyperparameter plus the metric, each numeric, log or categorical; one
// row per run; and the brush (intervals per axis) as a filter the run table can apply.

export interface SweepRunLike {
  id: string;
  name: string;
  state: string;
  params: Record<string, unknown>;
  config: Record<string, unknown>;
  summary: Record<string, number | null>;
}

export type AxisKind = "value" | "log" | "category";

export interface ParAxis {
  /** the config key, or the summary key of the metric */
  key: string;
  kind: AxisKind;
  /** category axes: the categories in display order */
  categories?: string[];
  metric?: boolean;
}

export interface ParRow {
  runId: string;
  name: string;
  state: string;
  /** one per axis: a number, a category name, or null (no value) */
  values: (number | string | null)[];
}

export interface ParModel {
  axes: ParAxis[];
  /** runs with a value on every axis: what the chart draws */
  rows: ParRow[];
  /** runs left out of the chart because they have no metric value yet */
  missingMetric: number;
  metricKey: string;
}

/** An axis's brushed ranges, in data units (category axes: category indices, inclusive). */
export type Brush = Record<string, [number, number][]>;

/** The summary key the chart and the table use for the sweep metric: its best value when tracked. */
export function metricSummaryKey(runs: readonly SweepRunLike[], metricName: string): string {
  const best = `${metricName}_best`;
  return runs.some((r) => typeof r.summary[best] === "number") ? best : metricName;
}

function categoryOrder(key: string, values: string[]): string[] {
  const shape = (runConfigShape as Record<string, unknown>)[key] as { def?: { innerType?: { options?: string[] } }; options?: string[] } | undefined;
  const options = shape?.def?.innerType?.options ?? shape?.options;
  const known = options?.filter((o) => values.includes(o)) ?? [];
  const rest = values.filter((v) => !known.includes(v)).sort();
  return [...known, ...rest];
}

const asCategory = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** Hyperparameters that differ between runs: the sweep's parameters first, then other params (not the seed). */
export function variedKeys(runs: readonly SweepRunLike[], sweepParams: Record<string, unknown> = {}): string[] {
  const named = Object.keys(sweepParams);
  const fromRuns = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].filter((k) => !named.includes(k) && k !== "seed");
  return [...named, ...fromRuns].filter((key) => {
    const seen = new Set(runs.map((r) => JSON.stringify(r.params[key] ?? r.config[key])));
    return seen.size > 1;
  });
}

/** Specs that name no scale of their own: the values decide (a list, a constant, no spec at all). */
const LISTED = new Set(["categorical", "categorical_w_probabilities", "constant"]);

/**
 * The scale of a numeric axis. Log needs every value positive; then a drawn distribution names
 * its scale (log_uniform_values and the other log families: log; uniform, normal, beta …:
 * linear, even when a draw lands near zero), and otherwise — a list of values, a parameter the
 * sweep config does not name, the metric — the values are put on a log axis when they span
 * at least `minRatio` (a decade: [0.003, 0.01, 0.03, 0.1], [16, 32, …, 256]).
 */
export function axisScale(values: readonly number[], spec?: unknown, minRatio = 10): "log" | "value" {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return "value";
  const min = Math.min(...finite);
  if (min <= 0) return "value";
  const s = inferDistribution(spec);
  const distribution = isPlainObject(s) && typeof s.distribution === "string" ? (s.distribution as Distribution) : undefined;
  if (distribution && !LISTED.has(distribution)) return LOG_SCALED.has(distribution) ? "log" : "value";
  return Math.max(...finite) / min >= minRatio ? "log" : "value";
}

function axisFor(key: string, values: unknown[], spec: unknown): ParAxis {
  const present = values.filter((v) => v !== undefined && v !== null);
  const numeric = present.length > 0 && present.every((v) => typeof v === "number" && Number.isFinite(v));
  if (!numeric) return { key, kind: "category", categories: categoryOrder(key, [...new Set(present.map(asCategory))]) };
  return { key, kind: axisScale(present as number[], spec) };
}

export function buildParallelModel(
  runs: readonly SweepRunLike[],
  options: { metricName: string; sweepParams?: Record<string, unknown> },
): ParModel {
  const sweepParams = options.sweepParams ?? {};
  const keys = variedKeys(runs, sweepParams);
  const valueOf = (r: SweepRunLike, key: string) => r.params[key] ?? r.config[key];
  const metricKey = metricSummaryKey(runs, options.metricName);
  const axes: ParAxis[] = keys.map((k) => axisFor(k, runs.map((r) => valueOf(r, k)), sweepParams[k]));
  const metricValues = runs.map((r) => r.summary[metricKey]).filter((v): v is number => typeof v === "number");
  // the metric is an outcome, not a choice: log only over two decades (as the curves panel)
  axes.push({ key: metricKey, kind: axisScale(metricValues, undefined, 100), metric: true });

  const rows: ParRow[] = [];
  let missingMetric = 0;
  for (const r of runs) {
    const m = r.summary[metricKey];
    if (typeof m !== "number" || !Number.isFinite(m)) {
      missingMetric++;
      continue;
    }
    rows.push({ runId: r.id, name: r.name, state: r.state, values: [...keys.map((k, i) => cellValue(axes[i], valueOf(r, k))), m] });
  }
  return { axes, rows, missingMetric, metricKey };
}

function cellValue(axis: ParAxis, v: unknown): number | string | null {
  if (v === undefined || v === null) return null;
  if (axis.kind === "category") return asCategory(v);
  return typeof v === "number" ? v : null;
}

// --- the brush -------------------------------------------------------------------------------

/** Does one value fall inside an axis's brushed intervals (no intervals: no constraint)? */
export function inBrush(axis: ParAxis, value: unknown, intervals: readonly [number, number][] | undefined): boolean {
  if (!intervals || intervals.length === 0) return true;
  if (value === undefined || value === null) return false;
  let x: number;
  if (axis.kind === "category") {
    x = axis.categories?.indexOf(asCategory(value)) ?? -1;
    if (x < 0) return false;
  } else if (typeof value === "number") x = value;
  else return false;
  return intervals.some(([a, b]) => Math.min(a, b) <= x && x <= Math.max(a, b));
}

/** Ids of the runs that pass every brushed axis (all runs when nothing is brushed). */
export function brushedRunIds(runs: readonly SweepRunLike[], model: ParModel, brush: Brush): Set<string> {
  const active = model.axes.filter((a) => (brush[a.key]?.length ?? 0) > 0);
  const out = new Set<string>();
  for (const r of runs) {
    const ok = active.every((a) => inBrush(a, a.metric ? r.summary[a.key] : r.params[a.key] ?? r.config[a.key], brush[a.key]));
    if (ok) out.add(r.id);
  }
  return out;
}

export function isBrushed(brush: Brush): boolean {
  return Object.values(brush).some((i) => i.length > 0);
}

// --- URL state: ?axes=a,b,c&brush=key:lo:hi,key:lo:hi --------------------------------------

export function encodeBrush(brush: Brush): string {
  return Object.entries(brush)
    .flatMap(([k, intervals]) => intervals.map(([a, b]) => `${k}:${short(a)}:${short(b)}`))
    .join(",");
}

const short = (x: number) => String(Number(x.toPrecision(6)));

export function decodeBrush(text: string | null | undefined): Brush {
  const out: Brush = {};
  for (const part of (text ?? "").split(",")) {
    // key:lo:hi — the key may hold colons (sweeps/names.ts), the bounds never do
    const m = /^(.+):([^:]+):([^:]+)$/.exec(part);
    if (!m || !KEY_PATTERN.test(m[1])) continue;
    const a = Number(m[2]);
    const b = Number(m[3]);
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    (out[m[1]] ??= []).push([Math.min(a, b), Math.max(a, b)]);
  }
  return out;
}

/** The axes in the user's order (from the URL); unknown names are dropped, new axes appended. */
export function orderAxes(axes: readonly ParAxis[], order: readonly string[]): ParAxis[] {
  const byKey = new Map(axes.map((a) => [a.key, a]));
  const first = order.map((k) => byKey.get(k)).filter((a): a is ParAxis => a !== undefined);
  return [...first, ...axes.filter((a) => !order.includes(a.key))];
}

/** Move the axis at `from` to `to` (drag and drop, or keyboard). */
export function moveAxis(order: readonly string[], from: number, to: number): string[] {
  const next = [...order];
  const [moved] = next.splice(from, 1);
  next.splice(Math.max(0, Math.min(next.length, to)), 0, moved);
  return next;
}

/** The smallest and largest number in column `dim` of the rows ([0, 0] when none). */
export function axisExtent(rows: readonly ParRow[], dim: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    const v = r.values[dim];
    if (typeof v !== "number" || !Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}

/**
 * A tick label on a numeric axis spanning [lo, hi] with about `splits` intervals: powers of
 * ten as 1e-4 (log axes), otherwise at least 3 significant digits and as many more as tell
 * ticks (hi − lo) / splits apart from each other (1.7205 and 1.721 on a narrow val_loss axis,
 * not 1.72 twice). Trailing zeros are dropped.
 */
export function tickLabel(v: number, lo: number, hi: number, splits = 5): string {
  const exp = Math.log10(Math.abs(v));
  if (v !== 0 && Number.isInteger(Math.round(exp * 1e9) / 1e9) && (exp <= -3 || exp >= 6)) return `${v < 0 ? "-" : ""}1e${Math.round(exp)}`;
  const step = Math.abs(hi - lo) / splits;
  const size = Math.max(Math.abs(lo), Math.abs(hi), Math.abs(v));
  // digits from the largest value's leading one down to the step's (the niced tick interval is no finer than the step's decade)
  const digits = step > 0 && size > 0 && Number.isFinite(step + size) ? Math.floor(Math.log10(size)) - Math.floor(Math.log10(step)) + 1 : 0;
  return formatNumber(v, Math.min(15, Math.max(3, digits)));
}
