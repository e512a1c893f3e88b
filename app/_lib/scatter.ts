import { fieldValue, type Brush, type ParModel, type SweepRunLike } from "./sweep-parcoords";

// Data shaping of the sweep page's scatter panel (app/_components/sweeps/ScatterPanel): a
// swept parameter against the metric (W&B's and Optuna's slice plot) or any summary metric
// against any other, coloured by the run's step or time, on linear or log axes. A rectangle
// drawn on it is a brush on its two fields, the same Brush the parallel coordinates write
// (sweep-parcoords.ts brushedRunIds): the table, the curves and the CSV follow it.

export type ColorBy = "none" | "step" | "time";
export const COLOR_BY: readonly ColorBy[] = ["none", "step", "time"];

export interface ScatterSettings {
  /** field keys: a swept parameter or a summary key; null: the default */
  x: string | null;
  y: string | null;
  color: ColorBy;
  logX: boolean;
  logY: boolean;
}

export const DEFAULT_SCATTER: ScatterSettings = { x: null, y: null, color: "none", logX: false, logY: false };

export interface ScatterField {
  key: string;
  kind: "param" | "metric";
}

export interface ScatterPoint {
  runId: string;
  name: string;
  x: number;
  y: number;
  /** the colour value (step or seconds), or null */
  c: number | null;
}

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** The fields with a number in some run: numeric swept parameters, then summary keys (bookkeeping `_…` left out). */
export function scatterFields(runs: readonly SweepRunLike[], model: ParModel): ScatterField[] {
  const params = model.axes.filter((a) => !a.metric && a.kind !== "category").map((a) => a.key);
  const metrics = new Set<string>();
  for (const r of runs) for (const [k, v] of Object.entries(r.summary)) if (!k.startsWith("_") && isNumber(v)) metrics.add(k);
  const paramSet = new Set(params);
  return [
    ...params.map((key) => ({ key, kind: "param" as const })),
    ...[...metrics].filter((k) => !paramSet.has(k)).sort().map((key) => ({ key, kind: "metric" as const })),
  ];
}

/** x and y as chosen, or the defaults: the first swept parameter (else the first field) against the sweep's metric. */
export function resolveAxes(settings: ScatterSettings, fields: readonly ScatterField[], metricKey: string): { x: string | null; y: string | null } {
  const has = (k: string | null) => k !== null && fields.some((f) => f.key === k);
  const y = has(settings.y) ? settings.y : has(metricKey) ? metricKey : (fields[0]?.key ?? null);
  const x = has(settings.x) ? settings.x : (fields.find((f) => f.kind === "param")?.key ?? fields.find((f) => f.key !== y)?.key ?? null);
  return { x, y };
}

/** A run as the scatter reads it: its last step where the summary has none. */
export type ScatterRun = SweepRunLike & { lastStep?: number };

/** The value a run is coloured by: its last step, or its runtime in seconds. */
export function colorValue(r: ScatterRun, by: ColorBy): number | null {
  if (by === "none") return null;
  const v = by === "step" ? (r.summary.step ?? r.lastStep) : (r.summary.runtime ?? r.summary._runtime);
  return isNumber(v) ? v : null;
}

/** One point per run with a number on both axes (positive on a log axis): the stored values, untouched. */
export function scatterPoints(runs: readonly ScatterRun[], x: string, y: string, settings: Pick<ScatterSettings, "color" | "logX" | "logY">): ScatterPoint[] {
  const out: ScatterPoint[] = [];
  for (const r of runs) {
    const vx = fieldValue(r, x);
    const vy = fieldValue(r, y);
    if (!isNumber(vx) || !isNumber(vy)) continue;
    if ((settings.logX && vx <= 0) || (settings.logY && vy <= 0)) continue;
    out.push({ runId: r.id, name: r.name, x: vx, y: vy, c: colorValue(r, settings.color) });
  }
  return out;
}

/** The brush with a rectangle on (x, y): those two fields' ranges replaced, the rest kept. */
export function rectangleBrush(brush: Brush, x: string, y: string, xRange: [number, number], yRange: [number, number]): Brush {
  const sorted = ([a, b]: [number, number]): [number, number] => [Math.min(a, b), Math.max(a, b)];
  return { ...brush, [x]: [sorted(xRange)], [y]: [sorted(yRange)] };
}

// --- URL state: ?sx=learning_rate&sy=val_loss_best&sc=step&slog=xy ---------------------------

type Params = Pick<URLSearchParams, "get">;

export function parseScatter(p: Params, validKey: (k: string) => boolean): ScatterSettings {
  const key = (k: string | null) => (k && validKey(k) ? k : null);
  const color = p.get("sc");
  const log = p.get("slog") ?? "";
  return {
    x: key(p.get("sx")),
    y: key(p.get("sy")),
    color: COLOR_BY.includes(color as ColorBy) ? (color as ColorBy) : "none",
    logX: log.includes("x"),
    logY: log.includes("y"),
  };
}

export function setScatterParams(params: URLSearchParams, s: ScatterSettings): void {
  const set = (k: string, v: string) => (v ? params.set(k, v) : params.delete(k));
  set("sx", s.x ?? "");
  set("sy", s.y ?? "");
  set("sc", s.color === "none" ? "" : s.color);
  set("slog", `${s.logX ? "x" : ""}${s.logY ? "y" : ""}`);
}
