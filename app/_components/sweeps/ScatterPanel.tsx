"use client";
import { useRouter } from "next/navigation";
import { memo, useMemo } from "react";
import type { RunColors } from "../../_lib/colors";
import { keysDrawn } from "../../_lib/compare-shape";
import { brushRectangle, COLOR_BY, fieldOf, isLogAxis, rectangleBrush, resolveAxes, scatterFields, scatterPoints, type ColorBy, type ScatterRun, type ScatterSettings } from "../../_lib/scatter";
import type { Brush, ParModel } from "../../_lib/sweep-parcoords";
import { ChartLegend, type LegendItem } from "../charts";
import { Card, EmptyState } from "../ui";
import { ScatterChart } from "./ScatterChart";

// Scatter: a swept parameter (numeric or categorical) against the metric (slice plot) or any
// summary metric against any other, coloured by run, step or time, log axes; drag a rectangle
// to brush the table. Given a legend (the compare page's: its runs or groups, in the colours
// `colors` gives each run's point), it is shown under the points while they are coloured by it.

export const ScatterPanel = memo(function ScatterPanel(props: {
  runs: readonly ScatterRun[];
  model: ParModel;
  settings: ScatterSettings;
  brush: Brush;
  keep: ReadonlySet<string> | null;
  /** each run's point colour (colouring by run) */
  colors: RunColors;
  /** each run's group, named as the legend names it (grouped: the group its colour is from), for the tooltip */
  groups?: ReadonlyMap<string, string> | null;
  /** the keys `colors` comes from, by run or by group, with their runs (click hides one, as in the page's legend; listed when a run of theirs has a point) */
  legend?: { items: (LegendItem & { runIds: readonly string[] })[]; hidden: ReadonlySet<string>; onToggle: (key: string) => void; by: "run" | "group" };
  onSettings: (s: ScatterSettings) => void;
  onBrush: (b: Brush) => void;
  /** what a rectangle does here */
  brushHint?: string;
}) {
  const router = useRouter();
  const { runs, model, settings, brush } = props;
  const fields = useMemo(() => scatterFields(runs, model), [runs, model]);
  const { x, y } = resolveAxes(settings, fields, model.metricKey);
  const xField = useMemo(() => (x ? fieldOf(fields, x) : null), [fields, x]);
  const yField = useMemo(() => (y ? fieldOf(fields, y) : null), [fields, y]);
  const points = useMemo(() => (xField && yField ? scatterPoints(runs, xField, yField, settings) : []), [runs, xField, yField, settings]);
  // the legend describes what is drawn: the runs or groups with a point
  const legendItems = useMemo(() => (props.legend ? keysDrawn(props.legend.items, new Set(points.map((p) => p.runId))) : []), [props.legend, points]);
  // a category axis is never log (the URL may still say slog=x: it applies again to a numeric x);
  // unless asked, an axis follows its field's scale (a log-uniform learning rate: log)
  const logX = !!xField && isLogAxis(xField, settings.logX);
  const logY = !!yField && isLogAxis(yField, settings.logY);
  const set = (change: Partial<ScatterSettings>) => props.onSettings({ ...settings, ...change });
  const select = (label: string, value: string | null, onChange: (v: string) => void) => (
    <label className="sw-scatter-pick">
      {label}{" "}
      <select className="input" aria-label={`Scatter ${label}`} value={value ?? ""} onChange={(e) => onChange(e.target.value)}>
        {/* no field on this axis (a single field: not it against itself): the select shows none, not the first option */}
        {value === null && <option value="">–</option>}
        {fields.map((f) => (
          <option key={f.key} value={f.key}>
            {f.key}
            {f.kind === "param" ? (f.categories ? " (param, categories)" : " (param)") : ""}
          </option>
        ))}
      </select>
    </label>
  );
  const rectangle = xField && yField ? brushRectangle(brush, xField, yField) : null;
  const logBox = (axis: "x" | "y", checked: boolean, categorical: boolean) => (
    <label className="sw-scatter-pick" title={categorical ? `${axis} is categorical: no log scale` : undefined}>
      <input type="checkbox" aria-label={`Log ${axis}`} checked={checked} disabled={categorical} onChange={(e) => set(axis === "x" ? { logX: e.target.checked } : { logY: e.target.checked })} /> log {axis}
    </label>
  );

  return (
    <Card
      testId="scatter-panel"
      title={
        <>
          Scatter{" "}
          <span className="muted sw-title-note" data-testid="scatter-count">
            {points.length} run{points.length === 1 ? "" : "s"} · {props.brushHint ?? "drag a rectangle to filter the table"}
          </span>
        </>
      }
      actions={
        <div className="sw-scatter-controls">
          {/* another field: its own scale again */}
          {select("x", x, (v) => set({ x: v, logX: null }))}
          {select("y", y, (v) => set({ y: v, logY: null }))}
          <label className="sw-scatter-pick">
            colour{" "}
            <select className="input" aria-label="Scatter colour" value={settings.color} onChange={(e) => set({ color: e.target.value as ColorBy })}>
              {COLOR_BY.map((c) => (
                <option key={c} value={c}>
                  {c === "none" ? (props.legend?.by ?? "run") : c}
                </option>
              ))}
            </select>
          </label>
          {logBox("x", logX, !!xField?.categories)}
          {logBox("y", logY, !!yField?.categories)}
        </div>
      }
    >
      {fields.length === 1 ? (
        <EmptyState title="Nothing to plot yet" testId="scatter-empty">
          <p>Only {fields[0].key} has values so far: a scatter needs a second field (a parameter or a metric the runs log).</p>
        </EmptyState>
      ) : !xField || !yField || points.length === 0 ? (
        <EmptyState title="Nothing to plot yet" testId="scatter-empty">
          <p>Points appear for runs with a value on both axes{logX || logY ? " (above zero on a log axis)" : ""}.</p>
        </EmptyState>
      ) : (
        <ScatterChart
          points={points}
          x={xField}
          y={yField}
          color={settings.color}
          logX={logX}
          logY={logY}
          colors={props.colors}
          groups={props.groups ?? null}
          keep={props.keep}
          rectangle={rectangle}
          onRectangle={(xr, yr) => props.onBrush(rectangleBrush(brush, xField, yField, xr, yr))}
          onOpen={(id) => router.push(`/runs/${id}`)}
        />
      )}
      {props.legend && settings.color === "none" && points.length > 0 && <ChartLegend items={legendItems} hidden={props.legend.hidden} onToggle={props.legend.onToggle} testId="scatter-legend" />}
    </Card>
  );
});
