import { logTicks } from "./chart-scale";
import { asCategory, fieldValue, type Brush, type ParModel, type SweepRunLike } from "./sweep-parcoords";

// Data shaping of the sweep page's scatter panel (app/_components/sweeps/ScatterPanel): a
// swept parameter against the metric (W&B's and Optuna's slice plot) or any summary metric
// against any other, coloured by the run's step or time, on linear or log axes. A rectangle
// drawn on it is a brush on its two fields, the same Brush the parallel coordinates write
// (sweep-parcoords.ts brushedRunIds): the table, the curves and the CSV follow it.
//
// A categorical parameter (cell, optimizer, a boolean such as layernorm) sits on a category
// axis: its categories in the parallel-coordinates axis's order, category i drawn at i, each
// run's point jittered within ±JITTER of it (from the run's id: the same place on every
// render) so runs of one category do not hide each other. Such an axis is never log; a
// rectangle on it brushes whole categories (indices, as the parallel axis's brush does).

export type ColorBy = "none" | "step" | "time";
export const COLOR_BY: readonly ColorBy[] = ["none", "step", "time"];

export interface ScatterSettings {
  /** field keys: a swept parameter or a summary key; null: the default */
  x: string | null;
  y: string | null;
  color: ColorBy;
  /** log axes as chosen; null: the field's own scale (ScatterField.log) */
  logX: boolean | null;
  logY: boolean | null;
}

export const DEFAULT_SCATTER: ScatterSettings = { x: null, y: null, color: "none", logX: null, logY: null };

export interface ScatterField {
  key: string;
  kind: "param" | "metric";
  /** a categorical parameter: its categories in display order (the parallel axis's) */
  categories?: string[];
  /** the category of runs that do not have the parameter (it exists only under a choice) */
  na?: string;
  /** a parameter on a log scale (its parallel axis's: a log distribution, or values over a decade or more): a log axis unless asked otherwise */
  log?: true;
}

export interface ScatterPoint {
  runId: string;
  name: string;
  /** the stored value, or on a category axis the category's index plus the run's jitter */
  x: number;
  y: number;
  /** on a category axis: the run's category */
  xCategory?: string;
  yCategory?: string;
  /** the colour value (step or seconds), or null */
  c: number | null;
}

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** The fields to plot: the swept parameters (numeric ones, categorical ones with their categories), then summary keys with a number in some run (bookkeeping `_…` left out). */
export function scatterFields(runs: readonly SweepRunLike[], model: ParModel): ScatterField[] {
  const params = model.axes
    .filter((a) => !a.metric)
    .map((a): ScatterField =>
      a.kind === "category" ? { key: a.key, kind: "param", categories: a.categories ?? [], ...(typeof a.na === "string" ? { na: a.na } : {}) } : { key: a.key, kind: "param", ...(a.kind === "log" ? { log: true as const } : {}) },
    );
  const metrics = new Set<string>();
  for (const r of runs) for (const [k, v] of Object.entries(r.summary)) if (!k.startsWith("_") && isNumber(v)) metrics.add(k);
  const paramSet = new Set(params.map((f) => f.key));
  return [...params, ...[...metrics].filter((k) => !paramSet.has(k)).sort().map((key) => ({ key, kind: "metric" as const }))];
}

/**
 * x and y as chosen, or the defaults: the first numeric swept parameter (else the first
 * parameter, else the first field) against the sweep's metric. A default never repeats the other
 * axis (before the first evaluation no run has the metric: y is then another metric, else another
 * field); with a single field y is null, rather than a plot of that field against itself.
 */
export function resolveAxes(settings: ScatterSettings, fields: readonly ScatterField[], metricKey: string): { x: string | null; y: string | null } {
  const has = (k: string | null) => k !== null && fields.some((f) => f.key === k);
  const chosenY = has(settings.y) ? settings.y : null;
  const wantedY = chosenY ?? (has(metricKey) ? metricKey : null);
  const others = (axis: string | null) => fields.filter((f) => f.key !== axis);
  const params = others(wantedY).filter((f) => f.kind === "param");
  const x = has(settings.x) ? settings.x : ((params.find((f) => !f.categories) ?? params[0])?.key ?? others(wantedY)[0]?.key ?? null);
  const y = chosenY ?? (wantedY !== null && wantedY !== x ? wantedY : ((others(x).find((f) => f.kind === "metric") ?? others(x)[0])?.key ?? null));
  return { x, y };
}

/** The field of a key among `fields` (a key no field has: a plain numeric field). */
export function fieldOf(fields: readonly ScatterField[], key: string): ScatterField {
  return fields.find((f) => f.key === key) ?? { key, kind: "metric" };
}

/** How far from its category's index a point may be jittered (a category's band is ±0.5). */
export const JITTER = 0.3;

/**
 * A run's jitter in [-JITTER, JITTER], from its id alone: the same point on every render, in
 * every screenshot. FNV-1a, then murmur3's finalizer: FNV alone leaves ids that differ in one
 * character bunched in a few places of the band.
 */
export function jitterOf(runId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < runId.length; i++) h = Math.imul(h ^ runId.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16)) >>> 0;
  return (h / 0x100000000 - 0.5) * 2 * JITTER;
}

/** A run's category on a categorical field (its n/a category when it lacks the parameter), or null. */
export function categoryOf(r: SweepRunLike, field: ScatterField): string | null {
  // a parameter under a choice: a run of another branch has none, whatever its config's default (as on the parallel axis)
  const v = field.na !== undefined ? r.params[field.key] : fieldValue(r, field.key);
  if (v === undefined) return field.na ?? null;
  return v === null ? null : asCategory(v);
}

/** Is the axis of this field logarithmic: asked for (null: the field's own scale), and the field is numeric (a category axis never is). */
export const isLogAxis = (field: ScatterField, log: boolean | null): boolean => (log ?? field.log === true) && !field.categories;

/** A run as the scatter reads it: its last step where the summary has none. */
export type ScatterRun = SweepRunLike & { lastStep?: number };

/** The value a run is coloured by: its last step, or its runtime in seconds. */
export function colorValue(r: ScatterRun, by: ColorBy): number | null {
  if (by === "none") return null;
  const v = by === "step" ? (r.summary.step ?? r.lastStep) : (r.summary.runtime ?? r.summary._runtime);
  return isNumber(v) ? v : null;
}

/** A run's position on one axis: its stored number, or its category's index plus its jitter (null: no point). */
function position(r: SweepRunLike, field: ScatterField, log: boolean): { at: number; category?: string } | null {
  if (field.categories) {
    const category = categoryOf(r, field);
    const i = category === null ? -1 : field.categories.indexOf(category);
    return i < 0 ? null : { at: i + jitterOf(r.id), category: category! };
  }
  const v = fieldValue(r, field.key);
  return isNumber(v) && !(log && v <= 0) ? { at: v } : null;
}

/**
 * One point per run with a value on both axes (positive on a log axis): the stored numbers,
 * untouched; on a category axis the category (its index, jittered).
 */
export function scatterPoints(runs: readonly ScatterRun[], x: ScatterField, y: ScatterField, settings: Pick<ScatterSettings, "color" | "logX" | "logY">): ScatterPoint[] {
  const out: ScatterPoint[] = [];
  for (const r of runs) {
    const px = position(r, x, isLogAxis(x, settings.logX));
    const py = position(r, y, isLogAxis(y, settings.logY));
    if (!px || !py) continue;
    out.push({
      runId: r.id,
      name: r.name,
      x: px.at,
      y: py.at,
      ...(px.category !== undefined ? { xCategory: px.category } : {}),
      ...(py.category !== undefined ? { yCategory: py.category } : {}),
      c: colorValue(r, settings.color),
    });
  }
  return out;
}

/** The room an axis leaves past its extreme points, as a share of their span: a point on a range's end (dropout 0) is drawn whole, inside the plot. */
export const AXIS_PAD = 0.03;

/**
 * The range a numeric axis must hold: its points' extent widened by AXIS_PAD of the span on
 * each side (of a lone value, of itself; of a lone 0, by AXIS_PAD), in log10 on a log axis so it
 * stays above zero. A linear axis is rounded out to its own ticks (ECharts' dataMin/dataMax), so
 * the ticks stay where the values are; a log axis is drawn over exactly this (logAxis). null: no values.
 */
export function axisRoom(values: readonly number[], log: boolean): [number, number] | null {
  if (values.length === 0) return null;
  const at = log ? values.map(Math.log10) : values;
  const [lo, hi] = [Math.min(...at), Math.max(...at)];
  const pad = AXIS_PAD * (hi - lo || (log ? 1 : Math.abs(lo) || 1));
  return log ? [10 ** (lo - pad), 10 ** (hi + pad)] : [lo - pad, hi + pad];
}

/** At most this many labelled ticks on a log axis. */
const MAX_LOG_TICKS = 8;
/** The steps a log axis over a decade or more is labelled at, densest first: 1, 2, 3, 5 × 10^k … powers of ten. */
const DECADE_STEPS = [[1, 2, 3, 5], [1, 2, 5], [1, 3], [1]];

/** m × 10^k for each m of `steps`, within [min, max]. */
function decadeTicks(min: number, max: number, steps: readonly number[]): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) for (const m of steps) {
    const v = Number((m * 10 ** e).toPrecision(6));
    if (v >= min && v <= max) out.push(v);
  }
  return out;
}

/**
 * A log axis as drawn: exactly its points' range with AXIS_PAD room (axisRoom), not rounded
 * out, and its ticks: within a decade round values (logTicks, as the curve chart's); over more,
 * the densest of 1-2-3-5, 1-2-5, 1-3 or powers of ten with at most MAX_LOG_TICKS labels (every
 * other power … over many decades). ECharts rounds a log axis out to whole decades, so the room
 * past a value on a decade took a whole empty decade: acc 0.1–1 was drawn over 0.01–10, loss
 * 1–2 over 0.1–10. null: no positive values.
 */
export function logAxis(values: readonly number[]): { min: number; max: number; ticks: number[] } | null {
  const room = axisRoom(values.filter((v) => v > 0), true);
  if (!room) return null;
  const [min, max] = room;
  if (max / min < 10) return { min, max, ticks: logTicks(min, max).filter((v) => v >= min && v <= max) };
  const ticks = DECADE_STEPS.map((steps) => decadeTicks(min, max, steps)).find((t) => t.length <= MAX_LOG_TICKS) ?? decadeTicks(min, max, [1]);
  const every = Math.ceil(ticks.length / MAX_LOG_TICKS);
  return { min, max, ticks: ticks.filter((_, i) => i % every === 0) };
}

/** A rectangle's range on a field as a brush interval: on a category axis, the categories whose band of points it touches (indices). */
function brushInterval(field: ScatterField, [a, b]: [number, number]): [number, number] {
  const [lo, hi] = [Math.min(a, b), Math.max(a, b)];
  if (!field.categories) return [lo, hi];
  const first = Math.ceil(lo - JITTER);
  const last = Math.floor(hi + JITTER);
  // (between two bands it touches none: an interval with no index in it)
  return first <= last ? [first, last] : [lo, hi];
}

/** The brush with a rectangle on (x, y): those two fields' ranges replaced, the rest kept. */
export function rectangleBrush(brush: Brush, x: ScatterField, y: ScatterField, xRange: [number, number], yRange: [number, number]): Brush {
  return { ...brush, [x.key]: [brushInterval(x, xRange)], [y.key]: [brushInterval(y, yRange)] };
}

/** The rectangle a brush on (x, y) draws (null: it brushes not both): on a category axis, around the bands of its categories. */
export function brushRectangle(brush: Brush, x: ScatterField, y: ScatterField): [[number, number], [number, number]] | null {
  const range = (f: ScatterField): [number, number] | null => {
    const i = brush[f.key]?.[0];
    if (!i) return null;
    // (a category interval [a, b] is drawn from just outside band a's points to just outside band b's)
    return f.categories && Number.isInteger(i[0]) && Number.isInteger(i[1]) ? [i[0] - JITTER - 0.1, i[1] + JITTER + 0.1] : i;
  };
  const rx = range(x);
  const ry = range(y);
  return rx && ry ? [rx, ry] : null;
}

// --- URL state: ?sx=learning_rate&sy=val_loss_best&sc=step&slog=y&slin=x -----------------------
// slog: the axes asked to be log, slin: those asked to be linear; an axis in neither follows its field.

type Params = Pick<URLSearchParams, "get">;

export function parseScatter(p: Params, validKey: (k: string) => boolean): ScatterSettings {
  const key = (k: string | null) => (k && validKey(k) ? k : null);
  const color = p.get("sc");
  const log = p.get("slog") ?? "";
  const lin = p.get("slin") ?? "";
  const choice = (axis: "x" | "y") => (log.includes(axis) ? true : lin.includes(axis) ? false : null);
  return {
    x: key(p.get("sx")),
    y: key(p.get("sy")),
    color: COLOR_BY.includes(color as ColorBy) ? (color as ColorBy) : "none",
    logX: choice("x"),
    logY: choice("y"),
  };
}

export function setScatterParams(params: URLSearchParams, s: ScatterSettings): void {
  const set = (k: string, v: string) => (v ? params.set(k, v) : params.delete(k));
  set("sx", s.x ?? "");
  set("sy", s.y ?? "");
  set("sc", s.color === "none" ? "" : s.color);
  set("slog", `${s.logX === true ? "x" : ""}${s.logY === true ? "y" : ""}`);
  set("slin", `${s.logX === false ? "x" : ""}${s.logY === false ? "y" : ""}`);
}
