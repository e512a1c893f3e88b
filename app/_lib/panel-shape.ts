import type { CompareResponse, CompareRun, SeriesTuple } from "./compare-api";
import type { ChartXMode, XMode } from "./chart-scale";
import { colorOf, type RunColors } from "./colors";
import { groupsFor, type SeriesInput } from "./compare-shape";
import type { CurvePoint } from "./curves";
import type { BandKind } from "./grouping";
import { panelMetrics, type PanelSpec } from "./panels";
import type { Smoothing } from "./smoothing";

// A custom panel of the compare page, shaped for the curve chart (pure): its settings resolved
// against the page's toolbar, one series per run and y metric (x paired by step when x is a
// metric), and its groups. A panel of several metrics draws each run's metrics in the run's
// colour, one dash pattern per metric; a panel of one metric is drawn like the plain panels.

/** Dash patterns, one per y metric in order (the first solid). */
export const DASHES: number[][] = [[], [7, 4], [2, 3], [10, 3, 2, 3], [1, 5], [14, 4]];
export const dashOf = (i: number): number[] => DASHES[i % DASHES.length];

export interface PageSettings {
  x: XMode;
  smoothing: Smoothing;
  group: string | null;
  band: BandKind;
  log: boolean;
}

export interface ResolvedPanel {
  xMode: ChartXMode;
  /** The metric on x, if any. */
  xMetric: string | null;
  y: string[];
  /** Metrics the regex matched beyond MAX_Y (not drawn). */
  more: number;
  smoothing: Smoothing;
  group: string | null;
  band: BandKind;
  log: boolean;
  title: string;
}

/** A panel's settings: its own where it has them, the page's otherwise. */
export function resolvePanel(p: PanelSpec, page: PageSettings, names: readonly string[]): ResolvedPanel {
  const { y, more } = panelMetrics(p, names);
  const xMetric = p.x && "metric" in p.x ? p.x.metric : null;
  const xMode: ChartXMode = xMetric ? "value" : p.x && "mode" in p.x ? p.x.mode : page.x;
  const group = p.group === "none" ? null : (p.group ?? page.group);
  const yText = [...p.y, ...(p.re !== undefined ? [`/${p.re}/`] : [])].join(", ");
  return {
    xMode,
    xMetric,
    y,
    more,
    smoothing: p.smooth ?? page.smoothing,
    group,
    band: p.band ?? page.band,
    log: p.log ?? page.log,
    title: xMetric ? `${yText} vs ${xMetric}` : yText,
  };
}

/**
 * y against x at the same step (W&B pairs a metric on x with the y logged in the same step):
 * a y point whose step has no finite x is left out. Points come in step order; the chart sorts
 * them by x.
 */
export function pairByStep(x: readonly SeriesTuple[], y: readonly SeriesTuple[]): CurvePoint[] {
  const xAt = new Map<number, number | null>();
  for (const [step, value] of x) xAt.set(step, value);
  const out: CurvePoint[] = [];
  for (const [step, value, t] of y) {
    const xv = xAt.get(step);
    if (xv === undefined || xv === null || !Number.isFinite(xv)) continue;
    out.push({ x: xv, y: value, t });
  }
  return out;
}

export interface PanelSeries extends SeriesInput {
  dash: number[];
}

/** The curve key of a run's metric in a panel: the run id when the panel has one metric. */
export const curveKey = (runId: string, metric: string, multi: boolean): string => (multi ? `${runId}|${metric}` : runId);

/** One series per shown run and y metric. */
export function panelSeries(data: Pick<CompareResponse, "series">, runs: readonly CompareRun[], panel: ResolvedPanel, names: ReadonlyMap<string, string>, colors: RunColors): PanelSeries[] {
  const multi = panel.y.length > 1;
  return panel.y.flatMap((metric, i) =>
    runs.map((r) => {
      const ys = data.series[r.id]?.[metric] ?? [];
      const points = panel.xMetric ? pairByStep(data.series[r.id]?.[panel.xMetric] ?? [], ys) : ys.map(([x, y, t]) => ({ x, y, t }));
      const name = names.get(r.id) ?? r.name;
      return {
        runId: curveKey(r.id, metric, multi),
        name: multi ? `${name} · ${metric}` : name,
        color: colorOf(colors, r.id),
        points,
        state: r.state,
        startedAt: r.startedAt ? Date.parse(r.startedAt) : null,
        dash: dashOf(i),
      };
    }),
  );
}

/** The panel's groups (mean line and band of each group's runs), per y metric when it has several. */
export function panelGroups(runs: CompareRun[], panel: ResolvedPanel): { key: string; label: string; color: string; runIds: string[]; dash: number[] }[] | null {
  if (!panel.group) return null;
  const multi = panel.y.length > 1;
  const groups = groupsFor(runs, panel.group);
  return panel.y.flatMap((metric, i) =>
    groups.map((g) => ({
      key: multi ? `${g.key}|${metric}` : g.key,
      label: multi ? `${g.label} · ${metric}` : g.label,
      color: g.color,
      runIds: g.runIds.map((id) => curveKey(id, metric, multi)),
      dash: dashOf(i),
    })),
  );
}
