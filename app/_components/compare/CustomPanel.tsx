"use client";
import { useMemo } from "react";
import type { CompareResponse, CompareRun } from "../../_lib/compare-api";
import type { RunColors } from "../../_lib/colors";
import { groupingLabel } from "../../_lib/compare-shape";
import { panelGroups, panelSeries, resolvePanel, type PageSettings } from "../../_lib/panel-shape";
import type { PanelSpec } from "../../_lib/panels";
import { CurveChart } from "../charts";
import styles from "./compare.module.css";

// One custom panel of the compare page: its settings resolved against the toolbar's, its
// series and groups shaped by panel-shape.ts, drawn by the shared CurveChart. The runs given
// are the ones the page's legend shows (hidden runs and groups left out before shaping, so a
// panel grouped otherwise than the page still hides what the page hides).

export function CustomPanel(props: {
  panel: PanelSpec;
  index: number;
  page: PageSettings;
  data: Pick<CompareResponse, "series" | "names">;
  runs: CompareRun[];
  names: ReadonlyMap<string, string>;
  colors: RunColors;
  highlight: string | null;
  fetched: ReadonlySet<string>;
  onEdit: () => void;
  onRemove: () => void;
}) {
  const { panel, data, runs, names, colors } = props;
  const resolved = useMemo(() => resolvePanel(panel, props.page, data.names), [panel, props.page, data.names]);
  const series = useMemo(() => panelSeries(data, runs, resolved, names, colors), [data, runs, resolved, names, colors]);
  const groups = useMemo(() => panelGroups(runs, resolved), [runs, resolved]);
  const ownGroups = !!resolved.group && resolved.group !== props.page.group;
  const loading = [...resolved.y, ...(resolved.xMetric ? [resolved.xMetric] : [])].some((k) => !props.fetched.has(k));
  const empty =
    resolved.y.length === 0 ? `No metric of these runs matches /${panel.re}/` : loading ? "Loading…" : resolved.xMetric ? `No step has both ${resolved.xMetric} and ${resolved.y.join(", ")}` : `No ${resolved.y.join(", ")} logged by these runs`;
  return (
    <div
      className={styles.panel}
      data-testid="custom-panel"
      data-index={props.index}
      data-x={resolved.xMetric ? `metric:${resolved.xMetric}` : resolved.xMode}
      data-y={resolved.y.join(",")}
      data-group={resolved.group ?? ""}
      data-series={JSON.stringify(series.map((s) => ({ key: s.runId, n: s.points.length, last: s.points.length ? [s.points.at(-1)!.x, s.points.at(-1)!.y] : null })))}
    >
      <CurveChart
        title={resolved.title}
        series={series}
        smoothing={resolved.smoothing}
        logY={resolved.log}
        xMode={resolved.xMode}
        xLabel={resolved.xMetric ?? undefined}
        groups={groups}
        band={resolved.band}
        // grouped otherwise than the page: the panel's own legend (its groups; a click hides one here)
        hidden={ownGroups ? undefined : NOTHING_HIDDEN}
        highlight={resolved.y.length === 1 ? props.highlight : null}
        legend={ownGroups}
        syncId={resolved.xMetric ? `compare-x-${resolved.xMetric}` : resolved.xMode === props.page.x ? "compare" : `compare-${resolved.xMode}`}
        height={270}
        emptyText={empty}
        actions={
          <>
            <button type="button" className={styles.panelRemove} title="Edit this panel" onClick={props.onEdit} data-testid="edit-panel">
              ✎
            </button>
            <button type="button" className={styles.panelRemove} title="Remove this panel" onClick={props.onRemove} data-testid="remove-panel">
              ×
            </button>
          </>
        }
      />
      <div className={styles.panelFoot}>
        {resolved.y.length > 1 &&
          resolved.y.map((m, i) => (
            <span key={m} className={styles.metricKey} data-testid="panel-metric">
              <svg width="22" height="8" aria-hidden>
                <line x1="1" x2="21" y1="4" y2="4" stroke="currentColor" strokeWidth="2" strokeDasharray={series.find((s) => s.runId.endsWith(`|${m}`))?.dash.join(" ") || undefined} />
              </svg>
              {m}
            </span>
          ))}
        {resolved.more > 0 && <span className="muted">+{resolved.more} more match (at most 10 per panel)</span>}
        {resolved.group && <span className="muted">grouped by {groupingLabel(resolved.group)}</span>}
      </div>
    </div>
  );
}

const NOTHING_HIDDEN: ReadonlySet<string> = new Set();
