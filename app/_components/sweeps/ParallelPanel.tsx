"use client";
import { useRouter } from "next/navigation";
import { useMemo, useState, memo } from "react";
import { isBrushed, moveAxis, orderAxes, snapInterval, type Brush, type ParModel } from "../../_lib/sweep-parcoords";
import type { RunColors } from "../../_lib/colors";
import { formatNumber } from "../../_lib/format";
import { Card, EmptyState } from "../ui";
import { ParallelChart } from "./ParallelChart";

// Parallel coordinates with the axis order as draggable chips (or ←/→ on a focused chip)
// and the brush summary; the chart itself is ParallelChart.

export const ParallelPanel = memo(function ParallelPanel(props: {
  model: ParModel;
  goal: "minimize" | "maximize";
  order: string[];
  brush: Brush;
  hoveredRunId: string | null;
  colors: RunColors;
  onOrder: (order: string[]) => void;
  onBrush: (brush: Brush) => void;
  onHover: (runId: string | null) => void;
}) {
  const router = useRouter();
  const { model, brush } = props;
  const axes = useMemo(() => orderAxes(model.axes, props.order), [model.axes, props.order]);
  const keys = axes.map((a) => a.key);
  const dims = useMemo(() => model.axes.map((a) => a.key), [model.axes]);
  const [dragging, setDragging] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const move = (from: number, to: number) => props.onOrder(moveAxis(keys, from, to));
  const brushed = isBrushed(brush);
  const drawn = model.rows.reduce((n, r) => n + r.runIds.length, 0);
  const folded = model.rows.filter((r) => r.runIds.length > 1).length;

  const title = (
    <>
      Parallel coordinates{" "}
      <span className="muted sw-title-note" data-testid="parallel-count">
        {folded > 0
          ? `${model.rows.length.toLocaleString("en-US")} configuration${model.rows.length === 1 ? "" : "s"} · ${drawn.toLocaleString("en-US")} runs, seeds as their mean`
          : `${model.rows.length.toLocaleString("en-US")} run${model.rows.length === 1 ? "" : "s"}`}{" "}
        · coloured by {model.metricKey}
      </span>
    </>
  );
  if (model.rows.length === 0 || model.axes.length < 2) {
    return (
      <Card title={title} testId="parallel-panel">
        <div className="sw-par-empty">
          <EmptyState title={model.rows.length === 0 ? `No run has a ${model.metricKey} yet` : "Nothing to compare yet"} testId="parallel-empty">
            <p>
              {model.rows.length === 0
                ? "Lines appear as runs report their first evaluation (every eval_every steps)."
                : "One axis per hyperparameter that differs between runs: the chart fills in as the sweep tries more configurations."}
            </p>
          </EmptyState>
        </div>
      </Card>
    );
  }
  return (
    <Card
      title={title}
      testId="parallel-panel"
      actions={
        brushed ? (
          <button type="button" className="btn btn-sm" data-testid="clear-brush" onClick={() => props.onBrush({})}>
            Clear brush
          </button>
        ) : (
          <span className="help">Drag along an axis to filter · drag the chips to reorder</span>
        )
      }
    >
      <div className="sw-axis-chips" role="list" aria-label="Axis order (drag, or focus and use ← →)">
        {axes.map((a, i) => (
          <span
            key={a.key}
            role="listitem"
            tabIndex={0}
            draggable
            className="sw-axis-chip"
            data-metric={a.metric || undefined}
            data-over={over === i && dragging !== null && dragging !== i ? (dragging < i ? "after" : "before") : undefined}
            data-testid={`axis-chip-${a.key}`}
            aria-label={`${a.key} axis, position ${i + 1} of ${axes.length}${brush[a.key]?.length ? ", filtered" : ""}`}
            title={`${a.kind} axis — drag to move`}
            onDragStart={(e) => {
              setDragging(i);
              e.dataTransfer.effectAllowed = "move";
              e.dataTransfer.setData("text/plain", a.key);
            }}
            onDragOver={(e) => {
              e.preventDefault();
              setOver(i);
            }}
            onDrop={(e) => {
              e.preventDefault();
              const from = keys.indexOf(e.dataTransfer.getData("text/plain"));
              if (from >= 0 && from !== i) move(from, i);
              setDragging(null);
              setOver(null);
            }}
            onDragEnd={() => {
              setDragging(null);
              setOver(null);
            }}
            onKeyDown={(e) => {
              if (e.key === "ArrowLeft" && i > 0) move(i, i - 1);
              else if (e.key === "ArrowRight" && i < axes.length - 1) move(i, i + 1);
              else return;
              e.preventDefault();
              requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-testid="axis-chip-${a.key}"]`)?.focus());
            }}
          >
            <span className="sw-grip" aria-hidden>
              ⋮⋮
            </span>
            {a.key}
            {a.kind !== "value" && <span className="sw-axis-kind">{a.kind === "log" ? "log" : "cat"}</span>}
            {brush[a.key]?.length ? (
              <span className="sw-axis-range" data-testid={`brush-${a.key}`}>
                {brush[a.key].map(([lo, hi]) => (a.kind === "category" ? categoriesIn(a.categories ?? [], lo, hi) : `${formatNumber(lo, 3)}–${formatNumber(hi, 3)}`)).join(", ")}
              </span>
            ) : null}
          </span>
        ))}
      </div>
      <ParallelChart
        axes={axes}
        rows={model.rows}
        dims={dims}
        goal={props.goal}
        brush={brush}
        hoveredRunId={props.hoveredRunId}
        colors={props.colors}
        onBrush={(key, drawn) => {
          // a brush includes its ends: an edge a hair inside the axis's end or a value goes past it
          const dim = model.axes.findIndex((a) => a.key === key);
          const axis = model.axes[dim];
          const values = model.rows.flatMap((r) => (typeof r.values[dim] === "number" ? [r.values[dim] as number] : []));
          const intervals = axis ? drawn.map((iv) => snapInterval(axis, iv, values)) : drawn;
          const current = brush[key] ?? [];
          if (JSON.stringify(current) === JSON.stringify(intervals)) return;
          const next = { ...brush };
          if (intervals.length) next[key] = intervals;
          else delete next[key];
          props.onBrush(next);
        }}
        onHover={props.onHover}
        onOpen={(id) => router.push(`/runs/${id}`)}
      />
      {model.missingMetric > 0 && (
        <p className="help sw-chart-note">
          {model.missingMetric} run{model.missingMetric === 1 ? "" : "s"} without a {model.metricKey} {model.missingMetric === 1 ? "is" : "are"} not drawn (not started yet, or ended before their first evaluation).
        </p>
      )}
    </Card>
  );
});

function categoriesIn(categories: string[], lo: number, hi: number): string {
  return categories.filter((_, i) => i >= Math.ceil(lo - 1e-9) && i <= Math.floor(hi + 1e-9)).join("/") || "none";
}
