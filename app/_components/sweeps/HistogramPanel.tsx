"use client";
import { BarChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { memo, useEffect, useMemo, useRef } from "react";
import { binLabels, histogramOf } from "../../_lib/histogram";
import type { SweepRunLike } from "../../_lib/sweep-parcoords";
import { useEChart } from "../charts/use-echart";
import { Card, EmptyState } from "../ui";

echarts.use([BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

// A histogram of one summary metric across the runs (bins from histogram.ts), with the
// selection's runs (the brush, the runs shown) over the same bins in front.

export const HistogramPanel = memo(function HistogramPanel(props: {
  runs: readonly SweepRunLike[];
  metrics: readonly string[];
  metric: string;
  selection: ReadonlySet<string> | null;
  selectionLabel: string;
  onMetric: (metric: string) => void;
}) {
  const { runs, metric, selection } = props;
  const h = useMemo(() => histogramOf(runs, metric, selection), [runs, metric, selection]);
  const el = useRef<HTMLDivElement>(null);
  const chart = useEChart(el, undefined, h.n > 0);
  // the metric drawn is an option even when no run has it yet (the sweep's metric before the
  // first evaluation): else the browser shows the first option beside words about this one
  const options = useMemo(() => (metric === "" || props.metrics.includes(metric) ? props.metrics : [metric, ...props.metrics]), [props.metrics, metric]);

  useEffect(() => {
    const c = chart.current;
    if (!c || h.n === 0) return;
    const labels = binLabels(h.edges);
    c.setOption(
      {
        animation: false,
        grid: { left: 44, right: 16, top: 28, bottom: 40 },
        legend: { top: 0, right: 8, textStyle: { fontSize: 11 } },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: { type: "category", data: labels, name: metric, nameLocation: "middle", nameGap: 26, axisLabel: { fontSize: 10, hideOverlap: true } },
        yAxis: { type: "value", minInterval: 1, name: "runs" },
        series: [
          { type: "bar", name: "all runs", data: h.counts, barCategoryGap: "4%", itemStyle: { color: "#cfd4dc" } },
          ...(h.selected ? [{ type: "bar", name: props.selectionLabel, data: h.selected, barGap: "-100%", barCategoryGap: "4%", itemStyle: { color: "#2f6fde" } }] : []),
        ],
      },
      { notMerge: true },
    );
  }, [h, metric, props.selectionLabel]);

  return (
    <Card
      testId="histogram-panel"
      title={
        <>
          Histogram <span className="muted sw-title-note">{h.n} runs with a {metric}</span>
        </>
      }
      actions={
        <label className="sw-scatter-pick">
          metric{" "}
          <select className="input" aria-label="Histogram metric" value={metric} onChange={(e) => props.onMetric(e.target.value)}>
            {options.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
      }
    >
      {h.n === 0 ? (
        <EmptyState title={`No run has a ${metric}`} testId="histogram-empty" />
      ) : (
        <div
          ref={el}
          style={{ width: "100%", height: 220 }}
          data-testid="histogram-chart"
          data-metric={metric}
          // test hooks: the bins and their counts
          data-edges={h.edges.join(",")}
          data-labels={binLabels(h.edges).join(" ")}
          data-counts={h.counts.join(",")}
          data-selected={h.selected?.join(",") ?? ""}
        />
      )}
    </Card>
  );
});
