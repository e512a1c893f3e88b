"use client";
import { useRouter } from "next/navigation";
import { memo, useMemo } from "react";
import type { RunColors } from "../../_lib/colors";
import { COLOR_BY, rectangleBrush, resolveAxes, scatterFields, scatterPoints, type ColorBy, type ScatterRun, type ScatterSettings } from "../../_lib/scatter";
import type { Brush, ParModel } from "../../_lib/sweep-parcoords";
import { Card, EmptyState } from "../ui";
import { ScatterChart } from "./ScatterChart";

// Scatter: a swept parameter against the metric (slice plot) or any summary metric against any
// other, coloured by run, step or time, log axes; drag a rectangle to brush the table.

export const ScatterPanel = memo(function ScatterPanel(props: {
  runs: readonly ScatterRun[];
  model: ParModel;
  settings: ScatterSettings;
  brush: Brush;
  keep: ReadonlySet<string> | null;
  colors: RunColors;
  onSettings: (s: ScatterSettings) => void;
  onBrush: (b: Brush) => void;
  /** what a rectangle does here */
  brushHint?: string;
}) {
  const router = useRouter();
  const { runs, model, settings, brush } = props;
  const fields = useMemo(() => scatterFields(runs, model), [runs, model]);
  const { x, y } = resolveAxes(settings, fields, model.metricKey);
  const points = useMemo(() => (x && y ? scatterPoints(runs, x, y, settings) : []), [runs, x, y, settings]);
  const set = (change: Partial<ScatterSettings>) => props.onSettings({ ...settings, ...change });
  const select = (label: string, value: string | null, onChange: (v: string) => void) => (
    <label className="sw-scatter-pick">
      {label}{" "}
      <select className="input" aria-label={`Scatter ${label}`} value={value ?? ""} onChange={(e) => onChange(e.target.value)}>
        {fields.map((f) => (
          <option key={f.key} value={f.key}>
            {f.key}
            {f.kind === "param" ? " (param)" : ""}
          </option>
        ))}
      </select>
    </label>
  );
  const rectangle: [[number, number], [number, number]] | null = x && y && brush[x]?.length && brush[y]?.length ? [brush[x][0], brush[y][0]] : null;

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
          {select("x", x, (v) => set({ x: v }))}
          {select("y", y, (v) => set({ y: v }))}
          <label className="sw-scatter-pick">
            colour{" "}
            <select className="input" aria-label="Scatter colour" value={settings.color} onChange={(e) => set({ color: e.target.value as ColorBy })}>
              {COLOR_BY.map((c) => (
                <option key={c} value={c}>
                  {c === "none" ? "run" : c}
                </option>
              ))}
            </select>
          </label>
          <label className="sw-scatter-pick">
            <input type="checkbox" aria-label="Log x" checked={settings.logX} onChange={(e) => set({ logX: e.target.checked })} /> log x
          </label>
          <label className="sw-scatter-pick">
            <input type="checkbox" aria-label="Log y" checked={settings.logY} onChange={(e) => set({ logY: e.target.checked })} /> log y
          </label>
        </div>
      }
    >
      {!x || !y || points.length === 0 ? (
        <EmptyState title="Nothing to plot yet" testId="scatter-empty">
          <p>Points appear for runs with a number on both axes{settings.logX || settings.logY ? " (above zero on a log axis)" : ""}.</p>
        </EmptyState>
      ) : (
        <ScatterChart
          points={points}
          x={x}
          y={y}
          color={settings.color}
          logX={settings.logX}
          logY={settings.logY}
          colors={props.colors}
          keep={props.keep}
          rectangle={rectangle}
          onRectangle={(xr, yr) => props.onBrush(rectangleBrush(brush, x, y, xr, yr))}
          onOpen={(id) => router.push(`/runs/${id}`)}
        />
      )}
    </Card>
  );
});
