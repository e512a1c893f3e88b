"use client";
import { useEffect, useMemo, useRef, useState } from "react";
import type { CompareResponse } from "../../_lib/compare-api";
import { groupableKeys, groupsFor, seriesFor } from "../../_lib/compare-shape";
import { compareViewQuery, type CompareViewState } from "../../_lib/compare-view";
import { colorOf, runColors } from "../../_lib/colors";
import { legendNames } from "../../_lib/legend";
import { ChartLegend, CurveChart } from "../charts";
import { CompareControls, type ControlsValue } from "./CompareControls";
import styles from "./compare.module.css";

// The compare view: one panel per metric (shared hover), one legend for all panels (click
// hides a run or group everywhere), toolbar state in the URL. Fetches missing metrics from
// GET /api/compare and polls while any run is still training.

const POINTS = 1000;
const LIVE = new Set(["queued", "running"]);

async function fetchCompare(view: CompareViewState, keys: string[]): Promise<CompareResponse> {
  const q = new URLSearchParams({ keys: keys.join(","), points: String(POINTS) });
  if (view.runs.length) q.set("runs", view.runs.join(","));
  else if (view.sweep) q.set("sweep", view.sweep);
  const res = await fetch(`/api/compare?${q}`);
  if (!res.ok) throw new Error(((await res.json().catch(() => null)) as { error?: string } | null)?.error ?? `HTTP ${res.status}`);
  return (await res.json()) as CompareResponse;
}

export function CompareView(props: { initial: CompareResponse; initialView: CompareViewState; fetchedKeys: string[] }) {
  const [view, setView] = useState(props.initialView);
  const [data, setData] = useState(props.initial);
  const [fetched, setFetched] = useState(() => new Set(props.fetchedKeys));
  const [error, setError] = useState<string | null>(null);
  const [highlight, setHighlight] = useState<string | null>(null);
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

  const missing = view.metrics.filter((m) => !fetched.has(m));
  const live = data.runs.some((r) => LIVE.has(r.state));
  useEffect(() => {
    if (missing.length === 0 && !live) return;
    let cancelled = false;
    const load = () =>
      fetchCompare(view, view.metrics)
        .then((d) => {
          if (cancelled) return;
          setData(d);
          setFetched(new Set(view.metrics));
          setError(null);
        })
        .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    if (missing.length > 0) load();
    const timer = live ? setInterval(load, 3000) : undefined;
    return () => {
      cancelled = true;
      if (timer) clearInterval(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [missing.join(","), live, view.runs.join(","), view.sweep]);

  const update = (change: Partial<CompareViewState>) => setView((v) => ({ ...v, ...change }));
  const names = useMemo(() => legendNames(data.runs), [data.runs]);
  // the runs come in the view's order (the selection, or a sweep's creation order): colours follow it
  const colors = useMemo(() => runColors(data.runs.map((r) => r.id)), [data.runs]);
  const groups = useMemo(() => (view.group ? groupsFor(data.runs, view.group) : null), [data.runs, view.group]);
  const hidden = useMemo(() => new Set(view.hidden), [view.hidden]);
  const toggle = (key: string) => update({ hidden: hidden.has(key) ? view.hidden.filter((k) => k !== key) : [...view.hidden, key] });
  const legendItems = groups
    ? groups.map((g) => ({ key: g.key, name: g.label, color: g.color }))
    : data.runs.map((r) => ({ key: r.id, name: names.get(r.id) ?? r.name, color: colorOf(colors, r.id), end: ["pruned", "diverged", "crashed", "failed", "stopped"].includes(r.state) ? r.state : undefined }));
  const controls: ControlsValue = { x: view.x, log: view.log, smoothing: view.smoothing, group: view.group, band: view.band };
  const addable = data.names.filter((n) => !view.metrics.includes(n));

  return (
    <div data-testid="compare-view">
      <div className={`card ${styles.toolbar}`}>
        <div className="card-body">
          <CompareControls value={controls} groupKeys={groupableKeys(data.runs)} onChange={(c) => update(c.group !== undefined && c.group !== view.group ? { ...c, hidden: [] } : c)} />
        </div>
      </div>
      {error && (
        <div className="alert" role="alert" style={{ marginBottom: 12 }}>
          Could not load curves: {error}
        </div>
      )}
      <div className={`card ${styles.legendCard}`}>
        <div className={styles.legendHead}>
          <span>
            {groups ? `${groups.length} groups of ${data.runs.length} runs by ${view.group}` : `${data.runs.length} runs`} — click to hide, hover to highlight
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
              series={seriesFor(data, metric, names, colors)}
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
        {addable.length > 0 && (
          <div className={styles.addPanel}>
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
      </div>
    </div>
  );
}
