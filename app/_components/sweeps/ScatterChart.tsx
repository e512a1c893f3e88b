"use client";
import { ScatterChart as EScatter } from "echarts/charts";
import { BrushComponent, GridComponent, TooltipComponent, VisualMapComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";
import { linearAxis, linearTickFormat, logTickFormat } from "../../_lib/chart-scale";
import { colorOf, type RunColors } from "../../_lib/colors";
import { formatNumber } from "../../_lib/format";
import { axisRoom, logAxis, type ColorBy, type ScatterField, type ScatterPoint } from "../../_lib/scatter";
import { useEChart } from "../charts/use-echart";

echarts.use([EScatter, GridComponent, TooltipComponent, VisualMapComponent, BrushComponent, CanvasRenderer]);

// The scatter canvas (ECharts' scatter series). Thin: points come shaped from scatter.ts;
// this draws them (run colours, or a ramp by step or time), greys the runs the page's brush
// leaves out, reports a rectangle dragged over it in data units, and opens a run on click. A
// categorical field is a value axis from -0.5 to n - 0.5 labelled with its categories at 0 … n-1
// (the points come jittered around them): a rectangle over it stays in the same units.

const RAMP = ["#3b0f9f", "#2f6fde", "#14a3a0", "#e0a21a", "#e0533a"];
const esc = (value: unknown) => echarts.format.encodeHTML(String(value));

export function ScatterChart(props: {
  points: ScatterPoint[];
  x: ScatterField;
  y: ScatterField;
  color: ColorBy;
  logX: boolean;
  logY: boolean;
  colors: RunColors;
  /** each run's group (the page is grouped: the group its colour is from), named in its tooltip */
  groups: ReadonlyMap<string, string> | null;
  /** runs the page's brush keeps (null: all) */
  keep: ReadonlySet<string> | null;
  /** the rectangle the page's brush holds on these two fields, or null */
  rectangle: [[number, number], [number, number]] | null;
  onRectangle: (x: [number, number], y: [number, number]) => void;
  onOpen: (runId: string) => void;
}) {
  const el = useRef<HTMLDivElement>(null);
  const handlers = useRef(props);
  handlers.current = props;
  const chart = useEChart(el, (c) => {
    c.on("brushEnd", (e) => {
      const area = (e as { areas?: { coordRange?: [[number, number], [number, number]] }[] }).areas?.[0];
      // (the rectangle the page already holds, drawn back by the effect below, is no new brush)
      if (area?.coordRange && JSON.stringify(area.coordRange) !== JSON.stringify(handlers.current.rectangle)) handlers.current.onRectangle(area.coordRange[0], area.coordRange[1]);
    });
    c.on("click", (e) => {
      const p = handlers.current.points[(e as { dataIndex: number }).dataIndex];
      if (p) handlers.current.onOpen(p.runId);
    });
  });

  const { points, x, y, color, logX, logY, colors, groups, keep } = props;
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const cs = points.map((p) => p.c).filter((v): v is number => v !== null);
    const byValue = color !== "none" && cs.length > 0;
    // the ticks of a numeric axis as given, and their labels (test hooks below)
    const ticksOf: { x?: number[]; y?: number[] } = {};
    const labelsOf: { x?: string[]; y?: string[] } = {};
    const axis = (field: ScatterField, log: boolean, values: number[], which: "x" | "y") => {
      // (onZero off: the other axis's line stays at the plot's edge, not at its 0 — a category's middle)
      const common = { name: field.key, nameLocation: "middle" as const, nameGap: 28, axisLine: { onZero: false }, splitLine: { lineStyle: { color: "#f0f2f5" } } };
      const categories = field.categories;
      const formatter = (v: number) => formatNumber(v, 3);
      const range = log && !categories ? logAxis(values) : null;
      if (range) {
        // (its labels in one notation, as the curve chart's: 1e-4, 3e-4, 1e-3)
        const label = logTickFormat(range.ticks);
        ticksOf[which] = range.ticks;
        labelsOf[which] = range.ticks.map(label);
        // a log axis holds its points' range and no more (ECharts would round it out to whole
        // decades), with our ticks: labels, tick marks and split lines at them
        return { ...common, type: "log" as const, min: range.min, max: range.max, axisLabel: { formatter: label, customValues: range.ticks }, axisTick: { customValues: range.ticks } };
      }
      const room = !log && !categories ? axisRoom(values, false) : null;
      if (room) {
        // room past the extreme points (axisRoom), rounded out to the ticks (as ECharts would round
        // it): a point on the edge is drawn whole; the ticks given, so their labels are in one
        // notation (0, 2.5e-4 … 1e-3, not "8e-4" beside "0.001")
        const { min, max, ticks } = linearAxis(room[0], room[1]);
        const label = linearTickFormat(ticks);
        ticksOf[which] = ticks;
        labelsOf[which] = ticks.map(label);
        return { ...common, type: "value" as const, min, max, axisLabel: { formatter: label, customValues: ticks }, axisTick: { customValues: ticks } };
      }
      if (!categories) {
        // room past the extreme points (axisRoom), which ECharts rounds out to its ticks: a point on the edge is drawn whole
        const [dataMin, dataMax] = axisRoom(values, log) ?? [undefined, undefined];
        return { ...common, type: log ? ("log" as const) : ("value" as const), scale: true, dataMin, dataMax, axisLabel: { formatter } };
      }
      // ticks every half: at the bands' edges (-0.5, 0.5 …) a split line between categories (the
      // colours alternate, edge then middle), at their middles (0, 1 …) the category's name
      return {
        ...common,
        type: "value" as const,
        min: -0.5,
        max: categories.length - 0.5,
        interval: 0.5,
        axisTick: { show: false },
        axisLabel: { formatter: (v: number) => (Number.isInteger(v) ? (categories[v] ?? "") : ""), fontWeight: 600 as const, color: "#1c2330" },
        splitLine: { lineStyle: { color: ["#e4e7ec", "rgba(0,0,0,0)"] } },
      };
    };
    const grid = { left: 64, right: byValue ? 90 : 24, top: 16, bottom: 48 };
    const shown = (field: ScatterField, v: number, category: string | undefined) => `${esc(field.key)}: ${esc(category ?? formatNumber(v))}`;
    c.setOption(
      {
        animation: false,
        grid,
        xAxis: axis(x, logX, points.map((p) => p.x), "x"),
        yAxis: { ...axis(y, logY, points.map((p) => p.y), "y"), nameGap: 48 },
        tooltip: {
          trigger: "item",
          className: "scatter-tooltip",
          formatter: (i: { dataIndex: number }) => {
            const p = points[i.dataIndex];
            if (!p) return "";
            const extra = p.c !== null && color !== "none" ? `<br/>${color === "step" ? "step" : "runtime (s)"}: ${esc(formatNumber(p.c))}` : "";
            const group = groups?.get(p.runId);
            // (grouped: the group the point is coloured by, beside a swatch of that colour, as in the legend)
            const swatch = `<span style="display:inline-block;width:8px;height:8px;border-radius:50%;margin-right:5px;background:${colorOf(colors, p.runId)}"></span>`;
            const groupLine = group !== undefined ? `<br/><span data-testid="scatter-tooltip-group">${color === "none" ? swatch : ""}${esc(group)}</span>` : "";
            return `<b>${esc(p.name)}</b>${groupLine}<br/>${shown(x, p.x, p.xCategory)}<br/>${shown(y, p.y, p.yCategory)}${extra}`;
          },
        },
        brush: { xAxisIndex: 0, yAxisIndex: 0, brushType: "rect", brushMode: "single", transformable: false, throttleType: "debounce", brushStyle: { color: "rgba(47,111,222,0.08)", borderColor: "#2f6fde" }, outOfBrush: { colorAlpha: 1 } },
        visualMap: byValue
          ? {
              type: "continuous",
              dimension: 2,
              min: Math.min(...cs),
              max: Math.max(...cs),
              inRange: { color: RAMP },
              right: 4,
              top: 16,
              itemHeight: 120,
              text: [`${color === "step" ? "step" : "time (s)"} ${formatNumber(Math.max(...cs), 3)}`, formatNumber(Math.min(...cs), 3)],
              calculable: false,
            }
          : undefined,
        series: [
          {
            type: "scatter",
            symbolSize: 9,
            // a run on the range's end (dropout 0) is drawn whole, not cut by the axis
            clip: false,
            data: points.map((p) => ({
              value: [p.x, p.y, p.c ?? 0],
              itemStyle: { ...(byValue ? {} : { color: colorOf(colors, p.runId) }), opacity: keep && !keep.has(p.runId) ? 0.15 : 0.9 },
            })),
          },
        ],
      },
      { notMerge: true },
    );
    c.dispatchAction({ type: "takeGlobalCursor", key: "brush", brushOption: { brushType: "rect", brushMode: "single" } });
    // test hook: the values at the plot's edges as drawn (left, right; bottom, top) and the grid's margins in px
    const edge = (axis: "xAxisIndex" | "yAxisIndex", px: number) => Number(c.convertFromPixel({ [axis]: 0 }, px));
    const [w, h] = [c.getWidth(), c.getHeight()];
    if (el.current) {
      el.current.dataset.xRange = `${edge("xAxisIndex", grid.left)},${edge("xAxisIndex", w - grid.right)}`;
      el.current.dataset.yRange = `${edge("yAxisIndex", h - grid.bottom)},${edge("yAxisIndex", grid.top)}`;
      el.current.dataset.grid = `${grid.left},${grid.right},${grid.top},${grid.bottom}`;
      // and a numeric axis's labelled ticks, and whether it is drawn log (a journey waits on it)
      el.current.dataset.xTicks = ticksOf.x?.join(",") ?? "";
      el.current.dataset.yTicks = ticksOf.y?.join(",") ?? "";
      el.current.dataset.xLabels = labelsOf.x?.join(" ") ?? "";
      el.current.dataset.yLabels = labelsOf.y?.join(" ") ?? "";
      el.current.dataset.xLog = String(logX && !x.categories);
      el.current.dataset.yLog = String(logY && !y.categories);
    }
  }, [points, x, y, color, logX, logY, colors, groups, keep]);

  // The page's rectangle on the canvas: drawn again after a redraw or from the URL, taken off by Clear brush.
  const rect = props.rectangle ? JSON.stringify(props.rectangle) : "";
  useEffect(() => {
    const r = handlers.current.rectangle;
    chart.current?.dispatchAction({ type: "brush", areas: r ? [{ brushType: "rect", xAxisIndex: 0, yAxisIndex: 0, coordRange: r }] : [] });
  }, [rect, points, x, y, color, logX, logY, colors, keep]);

  return (
    <div
      ref={el}
      style={{ width: "100%", height: 340 }}
      data-testid="scatter-chart"
      data-x={x.key}
      data-y={y.key}
      data-x-categories={x.categories?.join(",")}
      data-y-categories={y.categories?.join(",")}
      // test hook: each point's stored values (its category on a category axis) and, there, where it is drawn
      data-points={points.map((p) => `${p.runId}=${p.xCategory ?? p.x}:${p.yCategory ?? p.y}${p.c !== null ? `:${p.c}` : ""}`).join(",")}
      data-positions={x.categories || y.categories ? points.map((p) => `${p.runId}=${p.x}:${p.y}`).join(",") : undefined}
      // and the colour each point is drawn in, when coloured by run (or group)
      data-colors={color === "none" ? points.map((p) => `${p.runId}=${colorOf(colors, p.runId)}`).join(",") : undefined}
      // the runs drawn faded (left out by the page's brush or legend)
      data-faded={keep ? points.filter((p) => !keep.has(p.runId)).map((p) => p.runId).join(",") : ""}
    />
  );
}
