"use client";
import { useEffect, useMemo, useRef, useState } from "react";
import type { CompareDetailRun, CompareResponse, CompareRun } from "../../_lib/compare-api";
import { colorKeys, groupableKeys, groupingLabel, groupsFor, markColors, markGroups, seriesFor, shownRunIds } from "../../_lib/compare-shape";
import { compareViewQuery, DEFAULT_METRICS, type CompareViewState } from "../../_lib/compare-view";
import { runColors } from "../../_lib/colors";
import { legendNames } from "../../_lib/legend";
import { heldFirst } from "../../_lib/sweep-curves";
import { ChartLegend, CurveChart } from "../charts";
import { useLiveCurves } from "../useLiveCurves";
import { scatterFields, type ScatterSettings } from "../../_lib/scatter";
import { brushedRunIds, buildParallelModel, type Brush } from "../../_lib/sweep-parcoords";
import { ScatterPanel } from "../sweeps/ScatterPanel";
import { HistogramPanel } from "../sweeps/HistogramPanel";
import { MAX_PANELS, viewKeys, viewPairs, type PanelSpec } from "../../_lib/panels";
import type { PageSettings } from "../../_lib/panel-shape";
import { CompareControls, type ControlsValue } from "./CompareControls";
import { CustomPanel } from "./CustomPanel";
import { PanelEditor } from "./PanelEditor";
import { SavedViews } from "./SavedViews";
import styles from "./compare.module.css";

// The compare view: one panel per metric (shared hover), then the custom panels (x and y of the
// user's choosing, own smoothing and grouping: CustomPanel, PanelEditor), one legend for all
// panels (click hides a run or group everywhere), toolbar state and panels in the URL. Starts from the server's first
// answer and, while any run is still training, polls GET /api/compare incrementally
// (useLiveCurves: new runs and the open runs' new points, with detail=1 for the config new
// runs are grouped and named by); another set of metrics is fetched whole.

const POINTS = 1000;
const POLL_MS = 3000;
const LIVE = new Set(["queued", "running"]);

function compareBase(view: CompareViewState, keys: readonly string[], pairs: readonly (readonly [string, string])[]): string {
  const q = new URLSearchParams({ keys: keys.join(","), points: String(POINTS), detail: "1" });
  if (pairs.length) q.set("pair", pairs.map(([y, x]) => `${y}~${x}`).join(","));
  if (view.runs.length) q.set("runs", view.runs.join(","));
  else if (view.sweep) q.set("sweep", view.sweep);
  return `/api/compare?${q}`;
}

/** Runs and series of the view: held with detail=1, every run is a whole CompareRun (see CompareDetailRun). */
type Shown = { runs: CompareRun[]; series: CompareResponse["series"]; names: string[] };

export function CompareView(props: { initial: CompareResponse; initialView: CompareViewState; fetchedKeys: string[]; project: string }) {
  const [view, setView] = useState(props.initialView);
  const [highlight, setHighlight] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const first = useRef(true);

  // The URL follows the view (replaceState: no navigation, no refetch of the page).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const q = compareViewQuery(view);
    window.history.replaceState(window.history.state, "", q ? `/compare?${q}` : "/compare");
  }, [view]);

  // the series of the plain panels and the custom ones (a regex resolved against the names the runs logged)
  const [names0, setNames0] = useState(props.initial.names);
  const keys = useMemo(() => viewKeys(view.metrics, view.panels, names0), [view.metrics, view.panels, names0]);
  // the server's first answer holds the first view's metrics (fetchedKeys, its regexes matched
  // as here): held from the start when it has them all, else (the names changed meanwhile)
  // shown until the first poll brings the view whole (useLiveCurves reads it once)
  const initial = useMemo(
    () => heldFirst<CompareDetailRun>({ runs: props.initial.runs, series: props.initial.series, names: props.initial.names }, props.fetchedKeys, keys),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [props.initial, props.fetchedKeys],
  );
  // (the endpoint wants a metric: a view whose panels name none yet asks for one it will not draw)
  const asked = keys.length ? keys : DEFAULT_METRICS.slice(0, 1);
  // custom panels with a metric on x: y and x come aligned, so pairing by step keeps every kept step
  const pairs = useMemo(() => viewPairs(view.panels, names0, asked), [view.panels, names0, asked]);
  const curves = useLiveCurves(compareBase(view, asked, pairs), asked, POINTS, String(tick), initial, pairs);
  // while another set of metrics loads, the last answer stays on screen
  const last = useRef<{ data: Shown; keys: readonly string[] }>({ data: props.initial, keys: props.fetchedKeys });
  if (curves.data) last.current = { data: { ...curves.data, names: curves.data.names ?? last.current.data.names } as Shown, keys };
  const data = last.current.data;
  const fetched = new Set(last.current.keys);
  const error = curves.error;
  // a run that logs a new metric may bring a new match of a panel's regex
  const namesText = data.names.join(",");
  useEffect(() => setNames0((n) => (n.join(",") === namesText ? n : namesText.split(",").filter(Boolean))), [namesText]);

  const live = data.runs.some((r) => LIVE.has(r.state));
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => setTick((t) => t + 1), POLL_MS);
    return () => clearInterval(timer);
  }, [live]);

  const update = (change: Partial<CompareViewState>) => setView((v) => ({ ...v, ...change }));
  const names = useMemo(() => legendNames(data.runs), [data.runs]);
  // the runs come in the view's order (the selection, or a sweep's creation order): colours follow it
  const colors = useMemo(() => runColors(data.runs.map((r) => r.id)), [data.runs]);
  const groups = useMemo(() => (view.group ? groupsFor(data.runs, view.group) : null), [data.runs, view.group]);
  const hidden = useMemo(() => new Set(view.hidden), [view.hidden]);
  const toggle = (key: string) => update({ hidden: hidden.has(key) ? view.hidden.filter((k) => k !== key) : [...view.hidden, key] });
  // one colour assignment for the legend, the curves and the scatter: by group when grouped, else by run
  const legendItems = useMemo(() => colorKeys(data.runs, names, colors, groups), [data.runs, names, colors, groups]);
  const marks = useMemo(() => markColors(legendItems, hidden), [legendItems, hidden]);
  // and, grouped, the group each run's mark is coloured by (the scatter's tooltip names it)
  const markGroupNames = useMemo(() => markGroups(legendItems, hidden), [legendItems, hidden]);
  // the runs the legend shows (a run is hidden when it is, or when each group it is in is): the
  // scatter greys the others, the histogram and the custom panels leave them out
  const shownIds = useMemo(() => shownRunIds(legendItems, hidden), [legendItems, hidden]);
  const model = useMemo(() => buildParallelModel(data.runs, { metricName: view.metrics[0] ?? "val_loss" }), [data.runs, view.metrics]);
  const summaryKeys = useMemo(() => scatterFields(data.runs, model).filter((f) => f.kind === "metric").map((f) => f.key), [data.runs, model]);
  const brushRuns = (brush: Brush) => {
    const inside = brushedRunIds(data.runs, model, brush);
    update({ group: null, hidden: data.runs.filter((r) => !inside.has(r.id)).map((r) => r.id) });
  };
  const controls: ControlsValue = { x: view.x, log: view.log, smoothing: view.smoothing, group: view.group, band: view.band };
  const addable = data.names.filter((n) => !view.metrics.includes(n));
  // custom panels: the runs the legend shows (a run is hidden when it is, or when each group it is in is)
  const [editing, setEditing] = useState<number | "new" | null>(null);
  const page: PageSettings = useMemo(() => ({ x: view.x, smoothing: view.smoothing, group: view.group, band: view.band, log: view.log }), [view.x, view.smoothing, view.group, view.band, view.log]);
  const legendRuns = useMemo(() => (shownIds ? data.runs.filter((r) => shownIds.has(r.id)) : data.runs), [data.runs, shownIds]);
  const setPanel = (i: number | "new", p: PanelSpec | null) => {
    const panels = i === "new" ? [...view.panels, ...(p ? [p] : [])] : view.panels.flatMap((q, k) => (k === i ? (p ? [p] : []) : [q]));
    update({ panels });
    setEditing(null);
  };
  const groupKeys = useMemo(() => groupableKeys(data.runs), [data.runs]);
  const editor = (i: number | "new") => <PanelEditor key={`editor-${i}`} initial={i === "new" ? null : view.panels[i]} names={data.names} groupKeys={groupKeys} onSave={(p) => setPanel(i, p)} onCancel={() => setEditing(null)} />;

  return (
    <div data-testid="compare-view">
      <div className={`card ${styles.toolbar}`}>
        <div className="card-body">
          <CompareControls value={controls} groupKeys={groupKeys} onChange={(c) => update(c.group !== undefined && c.group !== view.group ? { ...c, hidden: [] } : c)} />
          <div style={{ marginTop: 10 }}>
            <SavedViews project={props.project} query={compareViewQuery(view)} />
          </div>
        </div>
      </div>
      {error && (
        <div className="alert" role="alert" style={{ marginBottom: 12 }}>
          Could not load curves: {error}
        </div>
      )}
      <div className={`card ${styles.legendCard}`} data-testid="compare-legend">
        <div className={styles.legendHead}>
          <span>
            {groups ? `${groups.length} groups of ${data.runs.length} runs by ${groupingLabel(view.group!)}` : `${data.runs.length} runs`} — click to hide, hover to highlight
          </span>
          {view.hidden.length > 0 && (
            <button type="button" className="btn btn-sm btn-ghost" onClick={() => update({ hidden: [] })} data-testid="show-all">
              Show all
            </button>
          )}
        </div>
        <ChartLegend items={legendItems} hidden={hidden} onToggle={toggle} onHover={setHighlight} />
      </div>
      <div className={styles.panels}>
        {view.metrics.map((metric) => (
          <div key={metric} className={styles.panel} data-testid="compare-panel" data-metric={metric}>
            <CurveChart
              title={metric}
              series={seriesFor(data, metric, names, marks)}
              smoothing={view.smoothing}
              logY={view.log}
              xMode={view.x}
              groups={groups}
              band={view.band}
              hidden={hidden}
              onToggle={toggle}
              highlight={highlight}
              legend={false}
              syncId="compare"
              height={270}
              emptyText={fetched.has(metric) ? `No ${metric} logged by these runs` : "Loading…"}
              actions={
                <button type="button" className={styles.panelRemove} title={`Remove the ${metric} panel`} onClick={() => update({ metrics: view.metrics.filter((m) => m !== metric) })}>
                  ×
                </button>
              }
            />
          </div>
        ))}
        {view.panels.map((panel, i) =>
          editing === i ? (
            editor(i)
          ) : (
            <CustomPanel
              key={`panel-${i}`}
              panel={panel}
              index={i}
              page={page}
              data={data}
              runs={legendRuns}
              names={names}
              colors={colors}
              highlight={highlight}
              fetched={fetched}
              onEdit={() => setEditing(i)}
              onRemove={() => setPanel(i, null)}
            />
          ),
        )}
        {editing === "new" ? (
          editor("new")
        ) : (
          <div className={styles.addPanel}>
            <div className={styles.addButtons}>
              {addable.length > 0 && (
                <div className="row" style={{ gap: 8 }}>
                  <span>Add a panel</span>
                  <select className="input" value="" onChange={(e) => e.target.value && update({ metrics: [...view.metrics, e.target.value] })} data-testid="add-panel">
                    <option value="">metric…</option>
                    {addable.map((n) => (
                      <option key={n} value={n}>
                        {n}
                      </option>
                    ))}
                  </select>
                </div>
              )}
              <button type="button" className="btn btn-sm" onClick={() => setEditing("new")} data-testid="add-custom-panel" disabled={view.panels.length >= MAX_PANELS}>
                Custom panel…
              </button>
            </div>
          </div>
        )}
      </div>
      <div style={{ marginTop: 12 }}>
        <ScatterPanel
          runs={data.runs}
          model={model}
          settings={view.scatter}
          brush={{}}
          keep={shownIds}
          colors={marks}
          groups={markGroupNames}
          legend={{ items: legendItems, hidden, onToggle: toggle, by: groups ? "group" : "run" }}
          onSettings={(scatter: ScatterSettings) => update({ scatter })}
          onBrush={brushRuns}
          brushHint="drag a rectangle to show only those runs"
        />
      </div>
      <div style={{ marginTop: 12 }}>
        <HistogramPanel runs={data.runs} metrics={summaryKeys} metric={view.hist ?? model.metricKey} selection={shownIds} selectionLabel="runs shown" onMetric={(hist: string) => update({ hist })} />
      </div>
    </div>
  );
}
