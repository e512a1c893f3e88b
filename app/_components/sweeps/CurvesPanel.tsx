"use client";
import { useMemo, useState, memo } from "react";
import type { RunColors } from "../../_lib/colors";
import { spansDecades, sweepCurveSeries } from "../../_lib/sweep-curves";
import { CurveChart } from "../charts";
import { Card, EmptyState, ErrorBox } from "../ui";
import { useLiveCurves } from "../useLiveCurves";

// Validation curves of every run of the sweep overlaid (ui-runs' canvas CurveChart): the
// best run highlighted, pruned and diverged runs ending with a marker where they were cut.
// Follows the brush: only the runs it keeps are drawn. Live, it fetches only what changed
// (useLiveCurves): new runs and the running runs' new points.

const POINTS = 150;

export const CurvesPanel = memo(function CurvesPanel(props: {
  sweepId: string;
  metric: string;
  /** metrics the runs logged, to choose from (the sweep's metric first) */
  metrics: string[];
  onMetric: (metric: string) => void;
  refreshKey: string;
  bestRunId: string | null;
  hoveredRunId: string | null;
  visibleIds: ReadonlySet<string> | null;
  /** the sweep page's run colours */
  colors: RunColors;
}) {
  const keys = useMemo(() => [props.metric], [props.metric]);
  const { data, error, loading, reload } = useLiveCurves(`/api/compare?sweep=${props.sweepId}&keys=${encodeURIComponent(props.metric)}&points=${POINTS}`, keys, POINTS, props.refreshKey);
  const series = useMemo(() => (data ? sweepCurveSeries(data, props.metric, props.visibleIds, props.colors) : []), [data, props.metric, props.visibleIds, props.colors]);
  // log y by default when the curves span two decades (a diverging or badly initialised run would flatten the rest)
  const [logChoice, setLogY] = useState<boolean | null>(null);
  const logY = logChoice ?? spansDecades(series);
  const total = data?.runs.length ?? 0;
  const kept = props.visibleIds ? (data?.runs ?? []).filter((r) => props.visibleIds!.has(r.id)).length : total;
  // test hook: each held curve as run:points:last step
  const ends = useMemo(() => {
    const tuples = (id: string) => data?.series[id]?.[props.metric] ?? [];
    return (data?.runs ?? []).map((r) => `${r.id}:${tuples(r.id).length}:${tuples(r.id).at(-1)?.[0] ?? ""}`).join(",");
  }, [data, props.metric]);

  return (
    <Card
      title={
        <>
          {props.metric} of every run{" "}
          <span className="muted sw-title-note">
            {!data ? "" : props.visibleIds ? `${series.length} of ${total} runs (brush)` : `${series.length} run${series.length === 1 ? "" : "s"}`}
            {props.bestRunId && " · best highlighted"}
          </span>
        </>
      }
      testId="curves-panel"
      actions={
        <>
          {props.metrics.length > 1 && (
            <select className="input sw-metric-select" value={props.metric} onChange={(e) => props.onMetric(e.target.value)} aria-label="Metric" data-testid="curves-metric">
              {(props.metrics.includes(props.metric) ? props.metrics : [props.metric, ...props.metrics]).map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          )}
          <label className="sw-check">
            <input type="checkbox" checked={logY} onChange={(e) => setLogY(e.target.checked)} /> log y
          </label>
        </>
      }
    >
      <div className="sw-panel-body" data-testid="curves-held" data-ends={ends}>
        {error && !data ? (
          <ErrorBox title="Could not load the curves." onRetry={reload}>
            {error}
          </ErrorBox>
        ) : !data && loading ? (
          <div className="skeleton" style={{ height: 280 }} aria-busy="true" aria-label="Loading curves" />
        ) : series.length === 0 ? (
          props.visibleIds && kept === 0 && total > 0 ? (
            <EmptyState title="No run passes the brush" testId="curves-empty">
              <p>Widen or clear the ranges on the parallel-coordinates axes.</p>
            </EmptyState>
          ) : (
            <EmptyState title={total === 0 ? "No runs yet" : props.visibleIds ? `None of the ${kept} runs the brush keeps has logged ${props.metric} yet` : `No ${props.metric} logged yet`} testId="curves-empty">
              <p>Curves appear after each run's first evaluation (every eval_every steps).</p>
            </EmptyState>
          )
        ) : (
          <CurveChart
            series={series}
            logY={logY}
            highlight={[props.hoveredRunId, props.bestRunId].find((id) => id && series.some((c) => c.runId === id)) ?? null}
            legend={series.length <= 16}
            height={280}
            syncId={`sweep-${props.sweepId}`}
            testId="sweep-curves"
          />
        )}
      </div>
    </Card>
  );
});
