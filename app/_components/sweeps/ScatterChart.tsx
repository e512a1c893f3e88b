"use client";
import { ScatterChart as EScatter } from "echarts/charts";
import { BrushComponent, GridComponent, TooltipComponent, VisualMapComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";
import { colorOf, type RunColors } from "../../_lib/colors";
import { formatNumber } from "../../_lib/format";
import type { ColorBy, ScatterPoint } from "../../_lib/scatter";
import { useEChart } from "../charts/use-echart";

echarts.use([EScatter, GridComponent, TooltipComponent, VisualMapComponent, BrushComponent, CanvasRenderer]);

// The scatter canvas (ECharts' scatter series). Thin: points come shaped from scatter.ts;
// this draws them (run colours, or a ramp by step or time), greys the runs the page's brush
// leaves out, reports a rectangle dragged over it in data units, and opens a run on click.

const RAMP = ["#3b0f9f", "#2f6fde", "#14a3a0", "#e0a21a", "#e0533a"];
const esc = (value: unknown) => echarts.format.encodeHTML(String(value));

export function ScatterChart(props: {
  points: ScatterPoint[];
  x: string;
  y: string;
  color: ColorBy;
  logX: boolean;
  logY: boolean;
  colors: RunColors;
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

  const { points, x, y, color, logX, logY, colors, keep } = props;
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const cs = points.map((p) => p.c).filter((v): v is number => v !== null);
    const byValue = color !== "none" && cs.length > 0;
    const axis = (name: string, log: boolean) => ({
      type: log ? ("log" as const) : ("value" as const),
      name,
      nameLocation: "middle" as const,
      nameGap: 28,
      scale: true,
      axisLabel: { formatter: (v: number) => formatNumber(v, 3) },
      splitLine: { lineStyle: { color: "#f0f2f5" } },
    });
    c.setOption(
      {
        animation: false,
        grid: { left: 64, right: byValue ? 90 : 24, top: 16, bottom: 48 },
        xAxis: axis(x, logX),
        yAxis: { ...axis(y, logY), nameGap: 48 },
        tooltip: {
          trigger: "item",
          formatter: (i: { dataIndex: number }) => {
            const p = points[i.dataIndex];
            if (!p) return "";
            const extra = p.c !== null && color !== "none" ? `<br/>${color === "step" ? "step" : "runtime (s)"}: ${esc(formatNumber(p.c))}` : "";
            return `<b>${esc(p.name)}</b><br/>${esc(x)}: ${esc(formatNumber(p.x))}<br/>${esc(y)}: ${esc(formatNumber(p.y))}${extra}`;
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
  }, [points, x, y, color, logX, logY, colors, keep]);

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
      data-x={x}
      data-y={y}
      // test hook: each point's stored values
      data-points={points.map((p) => `${p.runId}=${p.x}:${p.y}${p.c !== null ? `:${p.c}` : ""}`).join(",")}
    />
  );
}
