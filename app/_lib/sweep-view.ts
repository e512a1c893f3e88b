import { KEY_PATTERN } from "../../sweeps/names";
import { absentKeys, buildParallelModel, brushedRunIds, decodeBrush, encodeBrush, isBrushed, type Brush, type ParModel, type SweepRunLike } from "./sweep-parcoords";
import { DEFAULT_SCATTER, parseScatter, setScatterParams, type ScatterSettings } from "./scatter";
import { decodeSort, encodeSort, sortRuns, type SortableRun, type TableSort } from "./sweep-table";

// The sweep page's view as it lives in the URL, so it survives Back and can be shared:
//   /sweeps/ID?axes=cell,dropout,val_loss_best&brush=dropout:0.2:0.5&sort=-summary.val_loss_best&curves=val_acc
// and what the view shows (the brushed runs in table order), computed the same way on the
// page and in its "export shown" CSV.

/**
 * The query string of every run of a sweep, archived runs included: the sweep page lists a
 * sweep's runs as its search counts them (an archived run keeps its "archived" mark), on its
 * first render, at each live refresh and in its "export all" CSV alike.
 */
export function sweepRunsQuery(sweepId: string): string {
  return `sweep=${sweepId}&archived=include`;
}

export interface SweepViewState {
  /** parallel-coordinates axis order (unknown names are dropped, new axes appended) */
  order: string[];
  brush: Brush;
  /** null: the default, best first by the metric */
  sort: TableSort | null;
  /** the curves panel's metric; null: the sweep's metric */
  curves: string | null;
  /** the scatter panel's axes, colour and log scales */
  scatter: ScatterSettings;
  /** the histogram's metric; null: the sweep's metric */
  hist: string | null;
}

type Params = Pick<URLSearchParams, "get">;

export function parseSweepView(p: Params): SweepViewState {
  const axes = p.get("axes");
  const sort = p.get("sort");
  const curves = p.get("curves");
  const hist = p.get("hist");
  return {
    order: axes ? axes.split(",").filter(Boolean) : [],
    brush: decodeBrush(p.get("brush")),
    sort: sort ? decodeSort(sort, { field: "index", desc: false }) : null,
    curves: curves && KEY_PATTERN.test(curves) ? curves : null,
    scatter: parseScatter(p, (k) => KEY_PATTERN.test(k)),
    hist: hist && KEY_PATTERN.test(hist) ? hist : null,
  };
}

/** `search` with the view's parameters set (defaults left out). */
export function sweepViewSearch(view: SweepViewState, search = ""): string {
  const params = new URLSearchParams(search);
  const set = (k: string, v: string) => (v ? params.set(k, v) : params.delete(k));
  set("axes", view.order.join(","));
  set("brush", encodeBrush(view.brush));
  set("sort", view.sort ? encodeSort(view.sort) : "");
  set("curves", view.curves ?? "");
  setScatterParams(params, view.scatter ?? DEFAULT_SCATTER);
  set("hist", view.hist ?? "");
  return params.toString().replace(/%2C/g, ",").replace(/%3A/g, ":").replace(/%2F/g, "/");
}

/** The table's sort: the chosen one, or best first by the metric. */
export function effectiveSort(view: SweepViewState, metricKey: string, goal: "minimize" | "maximize"): TableSort {
  // a sweep of no metric (a program's may name none): in the order the runs were made
  return view.sort ?? (metricKey ? { field: `summary.${metricKey}`, desc: goal === "maximize" } : { field: "index", desc: false });
}

/** The runs the view shows — those the brush keeps — in the table's order. */
export function shownRuns<R extends SweepRunLike & SortableRun>(runs: readonly R[], model: ParModel, view: SweepViewState, goal: "minimize" | "maximize"): R[] {
  const kept = isBrushed(view.brush) ? brushedRunIds(runs, model, view.brush) : null;
  return sortRuns(kept ? runs.filter((r) => kept.has(r.id)) : runs, effectiveSort(view, model.metricKey, goal), absentKeys(model));
}

/** The parallel-coordinates model of a sweep's runs, as the page builds it. */
export function sweepModel(runs: readonly SweepRunLike[], sweep: { metricName: string; config: Record<string, unknown> }): ParModel {
  return buildParallelModel(runs, { metricName: sweep.metricName, sweepParams: (sweep.config.parameters ?? {}) as Record<string, unknown> });
}

const DERIVED_SUFFIXES = ["_best", "_best_step", "_first_nonfinite_step"];
/** Summary keys that are the run's own bookkeeping, not logged series (engine/summary.ts). */
const NOT_SERIES = new Set(["step", "runtime"]);

/** The metrics the sweep's runs logged (their summary keys, less the derived ones), the sweep's metric first. */
export function loggedMetrics(runs: readonly { summary: Record<string, unknown> }[], sweepMetric: string): string[] {
  const names = new Set<string>();
  for (const r of runs)
    for (const k of Object.keys(r.summary)) if (!k.startsWith("_") && !NOT_SERIES.has(k) && !DERIVED_SUFFIXES.some((s) => k.endsWith(s)) && KEY_PATTERN.test(k)) names.add(k);
  names.delete(sweepMetric);
  return [sweepMetric, ...[...names].sort()];
}
