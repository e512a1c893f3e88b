// Charts shared by the compare view, the run page and the sweep page. See CurveChart.tsx
// for the props; data shaping lives in app/_lib (curves.ts, smoothing.ts, grouping.ts).
export { CurveChart, type ChartGroup, type ChartSeries, type CurveChartProps } from "./CurveChart";
export { ChartLegend, type LegendItem } from "./ChartLegend";
export type { CurvePoint } from "../../_lib/curves";
export type { Smoothing, SmoothingKind } from "../../_lib/smoothing";
export type { ChartXMode, XMode } from "../../_lib/chart-scale";
export type { BandKind } from "../../_lib/grouping";
