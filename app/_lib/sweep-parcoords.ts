import { runConfigKeyKind, runConfigShape, type RunConfigKey } from "../../engine/config";
import { inferDistribution, isPlainObject, LeafParamSpec, LOG_SCALED, supportRange, viewParameters, type Distribution, type ParamSpec } from "../../sweeps/config";
import { KEY_PATTERN } from "../../sweeps/names";
import { meanCi } from "../../sweeps/stats";
import { higherIsBetter, type StoredSummary } from "../../sweeps/summary";
import { logTickFormat } from "./chart-scale";
import { formatExponent, formatNumber, readsAsExponent } from "./format";

// Data shaping for the sweep's parallel-coordinates chart (the chart component only draws):
// one axis per swept hyperparameter plus the metric, each numeric, log or categorical, each
// over its whole range from the sweep config (so an axis is there from the first run, and a
// line's position does not move as other runs arrive); one row per configuration (seed
// replicates folded into their mean, as the runs table folds them, with the spread kept);
// and the brush (intervals per axis) as a filter the run table can apply.

export interface SweepRunLike {
  id: string;
  name: string;
  state: string;
  params: Record<string, unknown>;
  config: Record<string, unknown>;
  summary: StoredSummary;
}

export type AxisKind = "value" | "log" | "category";

export interface ParAxis {
  /** the config key, or the summary key of the metric */
  key: string;
  kind: AxisKind;
  /**
   * a parameter some runs do not have (it exists only under a choice): where their lines cross
   * the axis, its own "n/a" tick below the values (a number on numeric axes, the category
   * "n/a" first on category axes)
   */
  na?: number | string;
  /** category axes: the categories in display order */
  categories?: string[];
  /** numeric axes: the range drawn, the sweep config's range (or round numbers around the values) with every value inside */
  range?: [number, number];
  metric?: boolean;
}

export interface ParRow {
  /** the run the row is (or the first of the seed replicates it folds) */
  runId: string;
  name: string;
  state: string;
  /** one per axis: a number, a category name, or null (no value); the metric is the replicates' mean */
  values: (number | string | null)[];
  /** the runs the row stands for: the run, or its seed replicates */
  runIds: string[];
  /** seed replicates: the metric over those that have it */
  spread?: { n: number; min: number; max: number; ci95: number | null };
}

export interface ParModel {
  axes: ParAxis[];
  /** one per configuration with a value on the metric: what the chart draws */
  rows: ParRow[];
  /** runs left out of the chart because they (and their replicates) have no metric value yet */
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
  const kind = Object.prototype.hasOwnProperty.call(runConfigShape, key) ? runConfigKeyKind(key as RunConfigKey) : null;
  const options = kind?.type === "enum" ? kind.options : undefined;
  const known = options?.filter((o) => values.includes(o)) ?? [];
  const rest = values.filter((v) => !known.includes(v)).sort();
  return [...known, ...rest];
}

/** A parameter value as its category name (booleans and other non-strings as JSON: "true"). */
export const asCategory = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** A sweep parameter's spec, read as W&B reads it (null when it is not one we can read). */
function leafSpec(raw: unknown): ParamSpec | null {
  const parsed = LeafParamSpec.safeParse(inferDistribution(raw));
  return parsed.success ? parsed.data : null;
}

/** What a spec says about its axis before any run: the values it lists, or the range it draws from. */
function specFacts(raw: unknown): { values: unknown[]; range: [number, number] | null; varies: boolean } {
  const spec = leafSpec(raw);
  if (!spec) return { values: [], range: null, varies: false };
  if (spec.distribution === "constant") return { values: [spec.value], range: null, varies: false };
  if (spec.distribution === "categorical" || spec.distribution === "categorical_w_probabilities") {
    const values = spec.values;
    return { values, range: null, varies: new Set(values.map((v) => JSON.stringify(v))).size > 1 };
  }
  const support = supportRange(spec);
  return { values: [], range: support ? [support.lo, support.hi] : null, varies: true };
}

/** Axes: the sweep's parameters that can take more than one value (from the first run on), then other params that differ between runs (not the seed). */
export function variedKeys(runs: readonly SweepRunLike[], sweepParams: Record<string, unknown> = {}): string[] {
  const named = Object.keys(sweepParams).filter((k) => k !== "seed");
  const fromRuns = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].filter((k) => !named.includes(k) && k !== "seed");
  const differ = (key: string) => new Set(runs.map((r) => JSON.stringify(r.params[key] ?? r.config[key]))).size > 1;
  return [...named.filter((k) => specFacts(sweepParams[k]).varies || differ(k)), ...fromRuns.filter(differ)];
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

/** A round step near span / 10: 1, 2, 2.5 or 5 times a power of ten. */
function niceStep(span: number): number {
  const raw = span / 10;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
}

/** [lo, hi] widened to round numbers (a single value gets some room around it). */
export function niceRange(lo: number, hi: number): [number, number] {
  if (!(hi > lo)) {
    const pad = Math.abs(lo) * 0.1 || 0.5;
    return [lo - pad, hi + pad];
  }
  const step = niceStep(hi - lo);
  const round = (x: number) => Number(x.toPrecision(12));
  return [round(Math.floor(lo / step + 1e-9) * step), round(Math.ceil(hi / step - 1e-9) * step)];
}

/**
 * The range a metric axis is drawn over: round numbers around the values, never past the
 * metric's bounds — an accuracy stays in [0, 1], a metric that is never negative never goes
 * below 0 (issue 17 §4: accuracy axes ran from 0.4 to 1.6).
 */
export function metricRange(values: readonly number[], metricKey: string): [number, number] | undefined {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return undefined;
  const [min, max] = [Math.min(...finite), Math.max(...finite)];
  // a little room past the values, so the best and worst lines do not sit on the axis's ends
  let [lo, hi] = niceRange(min - (max - min) * 0.04, max + (max - min) * 0.04);
  if (Math.min(...finite) >= 0) lo = Math.max(0, lo);
  const base = metricKey.replace(/_best$/, "");
  if (higherIsBetter(base) && finite.every((v) => v >= 0 && v <= 1)) [lo, hi] = [Math.max(0, lo), Math.min(1, hi)];
  return [lo, hi];
}

/**
 * A run's value of a swept key: what the sweep chose, else its config's; undefined when the key
 * is one of `absent` (it exists only under a choice) and the run's branch does not have it.
 */
export function paramValue(r: Pick<SweepRunLike, "params" | "config">, key: string, absent: ReadonlySet<string>): unknown {
  return absent.has(key) ? r.params[key] : (r.params[key] ?? r.config[key]);
}

/** The keys of a model's axes that some runs do not have (their table cells stay empty there). */
export function absentKeys(model: Pick<ParModel, "axes">): Set<string> {
  return new Set(model.axes.filter((a) => a.na !== undefined).map((a) => a.key));
}

/** The tick of "n/a" on an axis. */
export const NA = "n/a";

function axisFor(key: string, values: unknown[], rawSpec: unknown, withNa = false): ParAxis {
  const facts = specFacts(rawSpec);
  const present = [...values, ...facts.values].filter((v) => v !== undefined && v !== null);
  const numeric = present.length > 0 && present.every((v) => typeof v === "number" && Number.isFinite(v));
  if (!numeric) {
    const categories = categoryOrder(key, [...new Set(present.map(asCategory))]);
    return { key, kind: "category", categories: withNa ? [NA, ...categories] : categories, ...(withNa ? { na: NA } : {}) };
  }
  const numbers = present as number[];
  const all = facts.range ? [...numbers, ...facts.range] : numbers;
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  // the sweep's own range as is; values the config does not bound get round numbers around them
  const range: [number, number] = facts.range || facts.values.length > 1 ? (hi > lo ? [lo, hi] : niceRange(lo, hi)) : niceRange(lo, hi);
  const kind = axisScale(all, rawSpec);
  if (!withNa) return { key, kind, range };
  // n/a one slot below the values: a decade below on a log axis, a sixth of the span below on a linear one
  const na = kind === "log" ? pow10(Math.floor(Math.log10(range[0]) + 1e-9) - 1) : Number((range[0] - (range[1] - range[0] || 1) / 6).toPrecision(12));
  return { key, kind, range: [na, range[1]], na };
}

/** The key of a run's configuration: its config without the seed (the runs table folds replicates by the same). */
export function configurationKey(r: SweepRunLike): string {
  const source = Object.keys(r.config).length > 0 ? r.config : r.params;
  return JSON.stringify(Object.keys(source).filter((k) => k !== "seed").sort().map((k) => [k, source[k]]));
}

/** The metric of a configuration: the mean over its replicates, and their spread. */
function spreadOf(xs: number[]): { mean: number; spread: NonNullable<ParRow["spread"]> } {
  const { mean, ci95, n } = meanCi(xs);
  return { mean: mean!, spread: { n, min: Math.min(...xs), max: Math.max(...xs), ci95 } };
}

export function buildParallelModel(
  runs: readonly SweepRunLike[],
  options: { metricName: string; sweepParams?: Record<string, unknown>; foldSeeds?: boolean },
): ParModel {
  // a tree of choices: its sub-parameters are axes too, and a run without one is n/a there, not its default
  const { specs: sweepParams, absent } = viewParameters(options.sweepParams ?? {});
  const keys = variedKeys(runs, sweepParams);
  const valueOf = (r: SweepRunLike, key: string) => paramValue(r, key, absent);
  const metricKey = metricSummaryKey(runs, options.metricName);
  const axes: ParAxis[] = keys.map((k) => axisFor(k, runs.map((r) => valueOf(r, k)), sweepParams[k], absent.has(k) && runs.some((r) => !(k in r.params))));
  const metricOf = (r: SweepRunLike) => {
    const m = r.summary[metricKey];
    return typeof m === "number" && Number.isFinite(m) ? m : null;
  };

  // one row per configuration: seed replicates folded (their metric's mean, its spread kept)
  const groups = new Map<string, SweepRunLike[]>();
  for (const r of runs) {
    const k = options.foldSeeds === false ? r.id : configurationKey(r);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  const rows: ParRow[] = [];
  let missingMetric = 0;
  for (const members of groups.values()) {
    const measured = members.filter((r) => metricOf(r) !== null);
    if (measured.length === 0) {
      missingMetric += members.length;
      continue;
    }
    const head = members[0];
    const { mean, spread } = spreadOf(measured.map((r) => metricOf(r)!));
    const states = new Set(members.map((r) => r.state));
    rows.push({
      runId: head.id,
      name: head.name,
      state: states.size === 1 ? head.state : [...states].join("/"),
      values: [...keys.map((k, i) => cellValue(axes[i], valueOf(head, k))), mean],
      runIds: members.map((r) => r.id),
      ...(members.length > 1 ? { spread } : {}),
    });
  }
  const metricValues = rows.flatMap((r) => (r.spread ? [r.spread.min, r.spread.max] : [r.values[keys.length] as number]));
  // the metric is an outcome, not a choice: log only over two decades (as the curves panel)
  const kind = axisScale(metricValues, undefined, 100);
  axes.push({ key: metricKey, kind, metric: true, range: kind === "log" ? extentOf(metricValues) : metricRange(metricValues, metricKey) });
  return { axes, rows, missingMetric, metricKey };
}

function extentOf(values: readonly number[]): [number, number] | undefined {
  return values.length ? [Math.min(...values), Math.max(...values)] : undefined;
}

function cellValue(axis: ParAxis, v: unknown): number | string | null {
  if (v === undefined && axis.na !== undefined) return axis.na;
  if (v === undefined || v === null) return null;
  if (axis.kind === "category") return asCategory(v);
  return typeof v === "number" ? v : null;
}

/** The [min, max] an axis is drawn over (log axes: whole decades around its range). */
export function axisBounds(axis: ParAxis): [number, number] | undefined {
  if (!axis.range) return undefined;
  if (axis.kind !== "log") return axis.range;
  return [pow10(Math.floor(Math.log10(axis.range[0]) + 1e-9)), pow10(Math.ceil(Math.log10(axis.range[1]) - 1e-9))];
}

/** 10^e without float noise for negative e (10 ** -4 is 0.00009999999999999999). */
export function pow10(e: number): number {
  return e >= 0 ? 10 ** e : 1 / 10 ** -e;
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

/**
 * Ids of the runs that pass every brushed axis (all runs when nothing is brushed). A run
 * drawn as part of a configuration row passes when its row does (the row is what the brush
 * covers); a run without a row (no metric yet) is judged on its own values.
 */
export function brushedRunIds(runs: readonly SweepRunLike[], model: ParModel, brush: Brush): Set<string> {
  const active = model.axes.map((a, i) => [a, i] as const).filter(([a]) => (brush[a.key]?.length ?? 0) > 0);
  // a scatter panel brushes any numeric field, axis or not: a summary key, or a config key
  const axisKeys = new Set(model.axes.map((a) => a.key));
  const loose = Object.keys(brush).filter((k) => !axisKeys.has(k) && brush[k].length > 0 && runs.some((r) => typeof fieldValue(r, k) === "number"));
  const plain: ParAxis = { key: "", kind: "value" };
  const rowOf = new Map<string, ParRow>();
  for (const row of model.rows) for (const id of row.runIds) rowOf.set(id, row);
  const out = new Set<string>();
  for (const r of runs) {
    const row = rowOf.get(r.id);
    const ok =
      active.every(([a, i]) => inBrush(a, row ? row.values[i] : a.metric ? r.summary[a.key] : (r.params[a.key] ?? r.config[a.key]), brush[a.key])) &&
      loose.every((k) => inBrush(plain, fieldValue(r, k), brush[k]));
    if (ok) out.add(r.id);
  }
  return out;
}

/** A run's value of a field: its summary's, else its params' or config's. */
export function fieldValue(r: SweepRunLike, key: string): unknown {
  return key in r.summary ? r.summary[key] : (r.params[key] ?? r.config[key]);
}

/**
 * A brush as drawn, made to include its ends: ECharts reports a drag from the top of an axis
 * a pixel or two inside it (dropout 0.497, not 0.5), which left out the very runs the drag
 * started on. An edge within `tolerance` of the axis's span (on the axis's scale) from the
 * axis's end goes to the end; one that close to a value goes past the value.
 */
export function snapInterval(axis: ParAxis, interval: [number, number], values: readonly number[], tolerance = 0.02): [number, number] {
  const bounds = axisBounds(axis);
  if (axis.kind === "category" || !bounds) return interval;
  const log = axis.kind === "log";
  const to = (x: number) => (log ? Math.log10(x) : x);
  const [min, max] = bounds.map(to);
  const tol = (max - min) * tolerance;
  let [a, b] = interval.map(to);
  if (a - min <= tol) a = min;
  if (max - b <= tol) b = max;
  for (const v of values.map(to)) {
    if (v < a && a - v <= tol) a = v;
    if (v > b && v - b <= tol) b = v;
  }
  const from = (x: number) => (log ? 10 ** x : x);
  return [a === min ? bounds[0] : from(a), b === max ? bounds[1] : from(b)];
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
export function axisExtent(rows: readonly Pick<ParRow, "values">[], dim: number): [number, number] {
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
/**
 * Whether a tick of a linear axis whose ends [lo, hi] are labelled (a sweep config's range: 0.002
 * … 0.0123) sits within a label's height of one (`gap`, a share of the axis), where its label
 * (0.012) would be written over the end's: it then goes unlabelled. The ends themselves never.
 */
export function crowdsAnEnd(v: number, lo: number, hi: number, gap = 0.05): boolean {
  return v > lo && v < hi && Math.min(v - lo, hi - v) < (hi - lo) * gap;
}

/**
 * The tick labels of a log axis over [lo, hi]: its ticks are the decades, labelled in one
 * notation for the axis as the charts' log axes are (logTickFormat: 1e-4 … 1e-1, never 0.1
 * beside 1e-3; 0.01 … 10 where every decade reads well as a decimal).
 */
export function logAxisLabel(lo: number, hi: number): (v: number) => string {
  const decades: number[] = [];
  for (let e = Math.floor(Math.log10(lo) + 1e-9); e <= Math.ceil(Math.log10(hi) - 1e-9); e++) decades.push(pow10(e));
  return logTickFormat(decades);
}

export function tickLabel(v: number, lo: number, hi: number, splits = 5): string {
  const exp = Math.log10(Math.abs(v));
  if (v !== 0 && Number.isInteger(Math.round(exp * 1e9) / 1e9) && (exp <= -3 || exp >= 6)) return `${v < 0 ? "-" : ""}1e${Math.round(exp)}`;
  const step = Math.abs(hi - lo) / splits;
  const size = Math.max(Math.abs(lo), Math.abs(hi), Math.abs(v));
  // digits from the largest value's leading one down to the step's (the niced tick interval is no finer than the step's decade)
  const digits = step > 0 && size > 0 && Number.isFinite(step + size) ? Math.floor(Math.log10(size)) - Math.floor(Math.log10(step)) + 1 : 0;
  const d = Math.min(15, Math.max(3, digits));
  // one notation for the axis, as the charts' axes (oneNotation): every tick an exponent when the
  // ticks nearest zero are one (a learning_rate axis 7.74e-4 … 2.48e-3, never 9e-4 below 0.0021)
  return v !== 0 && axisReadsAsExponent(lo, hi, step) ? formatExponent(v, d) : formatNumber(v, d);
}

/** Whether a linear axis over [lo, hi] ticked every ~`step` has a tick formatNumber writes as an exponent: the one nearest zero (`step` from it when the axis crosses zero). */
function axisReadsAsExponent(lo: number, hi: number, step: number): boolean {
  const nearest = lo <= 0 && hi >= 0 ? step : Math.min(Math.abs(lo), Math.abs(hi));
  return nearest > 0 && readsAsExponent(nearest);
}
