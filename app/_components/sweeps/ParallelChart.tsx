"use client";
import { ParallelChart as EParallel } from "echarts/charts";
import { ParallelComponent, TooltipComponent, VisualMapComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";
import { formatNumber } from "../../_lib/format";
import { axisBounds, axisExtent, crowdsAnEnd, logAxisLabel, NA, tickLabel, type Brush, type ParAxis, type ParRow } from "../../_lib/sweep-parcoords";
import { colorOf, type RunColors } from "../../_lib/colors";
import { useEChart } from "../charts/use-echart";

echarts.use([EParallel, ParallelComponent, VisualMapComponent, TooltipComponent, CanvasRenderer]);

// The parallel-coordinates canvas (ECharts' parallel series). Thin: the axes and rows come
// shaped from sweep-parcoords.ts; this draws them, reports brushes (drag along an axis) and
// hovers, and follows the brush and the hovered run it is given. Lines are coloured by the
// metric; a hovered line (here or from the table) turns to the run's colour on the page.
// Each axis spans the range the model gives (the sweep config's, or round numbers around the
// values; bounded metrics within their bounds). A line of seed replicates is their mean, with
// two faint dashed lines to the lowest and highest seed on the metric axis (the spread).

/** Tick labels of a numeric axis over the data's [lo, hi]: digits enough to tell neighbouring ticks apart; a log axis's decades in one notation. */
const tickFormatter = ([lo, hi]: [number, number], kind: ParAxis["kind"], na?: number | string, bounded = false) => {
  // (the n/a slot, a decade below a log axis's values, reads "n/a": the values' decades set the notation)
  const label = kind === "log" && lo > 0 ? logAxisLabel(typeof na === "number" ? na * 10 : lo, hi) : (v: number) => tickLabel(v, lo, hi);
  // (a linear axis bounded by the sweep config's range labels its ends: a round tick beside one goes unlabelled)
  const unlabelled = (v: number) => bounded && kind !== "log" && crowdsAnEnd(v, lo, hi);
  return (v: number | string) => (typeof v === "number" ? (typeof na === "number" && Math.abs(v - na) <= Math.abs(hi - lo) * 1e-9 ? NA : unlabelled(v) ? "" : label(v)) : String(v));
};

/** Log axes span whole decades around the data (ECharts' own rounding can add an empty decade above). */
const LOG_EXTENT = {
  min: (e: { min: number }) => 10 ** Math.floor(Math.log10(e.min) + 1e-9),
  max: (e: { max: number }) => 10 ** Math.ceil(Math.log10(e.max) - 1e-9),
};

/** Text for ECharts' HTML tooltip: & < > " ' escaped (ECharts' own encoder). */
const esc = (value: unknown) => echarts.format.encodeHTML(String(value));

/** Best → worst. Dark enough on white at both ends. */
const RAMP = ["#3b0f9f", "#2f6fde", "#14a3a0", "#e0a21a", "#e0533a"];

export function ParallelChart(props: {
  axes: ParAxis[];
  rows: ParRow[];
  /** axis index of each column of `rows[i].values` */
  dims: string[];
  goal: "minimize" | "maximize";
  brush: Brush;
  hoveredRunId: string | null;
  /** the page's run colours */
  colors: RunColors;
  height?: number;
  onBrush: (axisKey: string, intervals: [number, number][]) => void;
  onHover: (runId: string | null) => void;
  onOpen: (runId: string) => void;
}) {
  const el = useRef<HTMLDivElement>(null);
  const handlers = useRef(props);
  handlers.current = props;
  const rowsRef = useRef(props.rows);
  /** the run the mouse is over in the chart (ECharts emphasises it itself) */
  const ownHover = useRef<string | null>(null);
  rowsRef.current = props.rows;

  const chart = useEChart(el, (c) => {
    // a person's brush (a drag, a click that removes one): the brush this component puts back
    // (from the address, after a redraw) is dispatched silently, else its echo would come back
    // here as a drag and be snapped again (ParallelPanel), widening a brush nobody touched
    c.on("axisareaselected", (e) => {
      const { parallelAxisId, intervals } = e as { parallelAxisId?: string; intervals?: [number, number][] };
      if (parallelAxisId) handlers.current.onBrush(parallelAxisId, (intervals ?? []).map(([a, b]) => [Math.min(a, b), Math.max(a, b)]));
    });
    c.on("mouseover", (e) => {
      const row = rowsRef.current[(e as { dataIndex: number }).dataIndex];
      if (!row) return;
      ownHover.current = row.runId;
      handlers.current.onHover(row.runId);
    });
    c.on("mouseout", () => {
      ownHover.current = null;
      handlers.current.onHover(null);
    });
    c.on("click", (e) => {
      const row = rowsRef.current[(e as { dataIndex: number }).dataIndex];
      if (row) handlers.current.onOpen(row.runId);
    });
  });

  // Redraw when the data or the axis order change; then put the brush back.
  const { axes, rows, dims, goal, colors } = props;
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const metricDim = dims.length - 1;
    // the colour scale spans the seeds' spread too, so a mean sits inside it
    const metricValues = rows.flatMap((r) => [r.values[metricDim] as number, ...(r.spread ? [r.spread.min, r.spread.max] : [])]);
    const lo = metricValues.length ? Math.min(...metricValues) : 0;
    const hi = metricValues.length ? Math.max(...metricValues) : 1;
    const ramp = goal === "minimize" ? RAMP : [...RAMP].reverse();
    c.setOption(
      {
        animation: false,
        parallel: {
          left: 56,
          right: 96,
          top: 46,
          bottom: 28,
          parallelAxisDefault: {
            nameLocation: "end",
            nameGap: 14,
            nameTextStyle: { color: "#1c2330", fontSize: 12, fontWeight: 600, fontFamily: "ui-monospace, Menlo, monospace" },
            axisLine: { lineStyle: { color: "#98a2b3" } },
            axisTick: { lineStyle: { color: "#98a2b3" } },
            axisLabel: {
              color: "#344054",
              fontSize: 11,
              backgroundColor: "rgba(255,255,255,0.85)",
              padding: [1, 3],
              borderRadius: 2,
              formatter: (v: number | string) => (typeof v === "number" ? tickLabel(v, 0, 0) : String(v)),
            },
            splitLine: { show: false },
            // ECharts redraws kept covers in its default brush style: match it so all covers look alike
            areaSelectStyle: { width: 22, borderWidth: 2, borderColor: "rgba(210,219,238,0.3)", color: "#D2DBEE", opacity: 0.8 },
            realtime: rows.length <= 400,
          },
        },
        parallelAxis: axes.map((a) => {
          const bounds = axisBounds(a);
          return {
            id: a.key,
            dim: dims.indexOf(a.key),
            name: a.metric ? `${a.key} ${goal === "minimize" ? "↓" : "↑"}` : a.key,
            type: a.kind,
            ...(a.kind === "category"
              ? { data: a.categories, axisLabel: { fontSize: 12, fontWeight: 600, color: "#1c2330" } }
              : { ...(bounds ? { min: bounds[0], max: bounds[1] } : { scale: true }), axisLabel: { formatter: tickFormatter(bounds ?? axisExtent(rows, dims.indexOf(a.key)), a.kind, a.na, bounds !== undefined && bounds !== null), ...(a.na !== undefined ? { showMinLabel: true } : {}) } }),
            ...(a.kind === "log" ? { logBase: 10, ...(bounds ? {} : LOG_EXTENT) } : {}),
            ...(a.metric ? { nameTextStyle: { color: "#2f6fde" }, axisLine: { lineStyle: { color: "#2f6fde", width: 2 } } } : {}),
          };
        }),
        visualMap: {
          type: "continuous",
          dimension: metricDim,
          min: lo,
          max: hi === lo ? lo + 1 : hi,
          inRange: { color: ramp },
          right: 8,
          top: "middle",
          itemHeight: 180,
          itemWidth: 12,
          text: goal === "minimize" ? ["worse", "better"] : ["better", "worse"],
          textStyle: { color: "#667085", fontSize: 11 },
          calculable: false,
          formatter: (v: number) => formatNumber(v, 3),
        },
        tooltip: {
          trigger: "item",
          confine: true,
          borderColor: "#e3e6eb",
          extraCssText: "box-shadow: 0 4px 12px rgba(16,24,40,.12);",
          // ECharts puts this string into the page as HTML: every name and value in it is the
          // user's (metric and run names, category values), so each is escaped.
          formatter: (p: unknown) => {
            const row = rowsRef.current[(p as { dataIndex: number }).dataIndex];
            if (!row) return "";
            const lines = axes.map((a) => {
              const v = row.values[dims.indexOf(a.key)];
              const spread = a.metric && row.spread ? ` <span style="color:#98a2b3">± ${row.spread.ci95 === null ? "–" : esc(formatNumber(row.spread.ci95, 2))} (${esc(formatNumber(row.spread.min))}–${esc(formatNumber(row.spread.max))})</span>` : "";
              return `<tr><td style="color:#667085;padding-right:10px">${esc(a.key)}${a.metric && row.spread ? " (mean)" : ""}</td><td style="text-align:right;font-variant-numeric:tabular-nums">${esc(a.na !== undefined && v === a.na ? NA : typeof v === "number" ? formatNumber(v) : v ?? "–")}${spread}</td></tr>`;
            });
            const seeds = row.runIds.length > 1 ? ` <span style="color:#98a2b3;font-weight:400">· ${row.runIds.length} seeds${row.spread ? `, ${row.spread.n} with a value` : ""}</span>` : "";
            return `<div style="font-weight:600;margin-bottom:4px"><span style="display:inline-block;width:9px;height:9px;border-radius:2px;background:${esc(colorOf(colors, row.runId))};margin-right:6px"></span>${esc(row.name)} <span style="color:#98a2b3;font-weight:400">${esc(row.state)}</span>${seeds}</div><table style="font-size:12px">${lines.join("")}</table><div style="color:#98a2b3;font-size:11px;margin-top:4px">click to open ${row.runIds.length > 1 ? "its first seed" : "the run"}</div>`;
          },
        },
        series: [
          {
            type: "parallel",
            // under the axes (z 2), so tick labels stay readable over dense lines
            z: 1,
            data: rows.map((r) => ({ value: r.values, name: r.name, emphasis: { lineStyle: { color: colorOf(colors, r.runId) } } })),
            lineStyle: { width: rows.length > 300 ? 0.8 : 1.4, opacity: rows.length > 300 ? 0.35 : 0.6 },
            emphasis: { lineStyle: { width: 3.5, opacity: 1 } },
            inactiveOpacity: 0.04,
            activeOpacity: rows.length > 300 ? 0.5 : 0.8,
            progressive: 0,
            smooth: false,
          },
          {
            // the spread of seed replicates: a line to the lowest and one to the highest seed
            type: "parallel",
            z: 1,
            silent: true,
            data: rows.flatMap((r) => (r.spread ? [r.spread.min, r.spread.max].map((m) => ({ value: [...r.values.slice(0, metricDim), m] })) : [])),
            lineStyle: { width: 1, type: "dashed", opacity: 0.4 },
            inactiveOpacity: 0.02,
            activeOpacity: 0.4,
            progressive: 0,
            smooth: false,
          },
        ],
      },
      { notMerge: true },
    );
    for (const a of axes) {
      const intervals = handlers.current.brush[a.key];
      if (intervals?.length) c.dispatchAction({ type: "axisAreaSelect", parallelAxisId: a.key, intervals }, { silent: true });
    }
  }, [axes, rows, dims, goal, colors]);

  // Follow a brush cleared from outside (the "Clear" button).
  const brushKey = JSON.stringify(props.brush);
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    for (const a of handlers.current.axes) {
      const want = handlers.current.brush[a.key] ?? [];
      const model = (c as unknown as { getModel(): { getComponent(t: string, i: number): unknown; eachComponent(t: string, f: (m: { id: string; activeIntervals: [number, number][] }) => void): void } }).getModel();
      let have: [number, number][] = [];
      model.eachComponent("parallelAxis", (m) => {
        if (m.id === a.key) have = m.activeIntervals ?? [];
      });
      if (JSON.stringify(have) !== JSON.stringify(want)) c.dispatchAction({ type: "axisAreaSelect", parallelAxisId: a.key, intervals: want }, { silent: true });
    }
  }, [brushKey]);

  // Hover from the table highlights the run's line.
  const hovered = props.hoveredRunId;
  const shown = useRef<string | null>(null);
  useEffect(() => {
    const c = chart.current;
    if (!c || ownHover.current !== null || (hovered === null && shown.current === null)) return;
    shown.current = hovered;
    c.dispatchAction({ type: "downplay", seriesIndex: 0 });
    const i = hovered ? rowsRef.current.findIndex((r) => r.runIds.includes(hovered)) : -1;
    if (i >= 0) c.dispatchAction({ type: "highlight", seriesIndex: 0, dataIndex: i });
  }, [hovered]);

  return (
    <div
      ref={el}
      style={{ width: "100%", height: props.height ?? 380 }}
      data-testid="parallel-chart"
      data-rows={props.rows.length}
      data-axes={props.axes.map((a) => a.key).join(",")}
      // test hooks: each axis's drawn range, and each line's metric value
      data-ranges={props.axes.map((a) => `${a.key}:${axisBounds(a)?.join(":") ?? (a.categories ?? []).join("|")}`).join(",")}
      data-metric-values={props.rows.map((r) => `${r.runIds.join("+")}=${r.values[r.values.length - 1]}`).join(",")}
    />
  );
}
