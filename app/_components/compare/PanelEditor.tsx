"use client";
import { useMemo, useState } from "react";
import { X_MODES } from "../../_lib/chart-scale";
import { groupingLabel } from "../../_lib/compare-shape";
import { formatPanel, matchMetrics, MAX_Y, MetricRegex, parsePanel, type PanelSpec } from "../../_lib/panels";
import { SMOOTHING_RANGES, type SmoothingKind } from "../../_lib/smoothing";
import styles from "./compare.module.css";

// The form that adds or edits a custom panel: x (step, time, or a metric paired by step), y
// (metrics and/or a regular expression, its matches shown as it is typed), and the panel's own
// smoothing, grouping, band and log scale — or "as the page" for each. What it saves is
// checked by the same parser the URL goes through (panels.ts).

const PAGE = "";

export function PanelEditor(props: { initial: PanelSpec | null; names: string[]; groupKeys: string[]; onSave: (p: PanelSpec) => void; onCancel: () => void }) {
  const init = props.initial;
  const [x, setX] = useState<string>(init?.x ? ("metric" in init.x ? "metric" : init.x.mode) : PAGE);
  const [xMetric, setXMetric] = useState(init?.x && "metric" in init.x ? init.x.metric : (props.names[0] ?? ""));
  const [y, setY] = useState<string[]>(init?.y ?? []);
  const [re, setRe] = useState(init?.re ?? "");
  const [smooth, setSmooth] = useState<string>(init?.smooth ? init.smooth.kind : PAGE);
  const [amount, setAmount] = useState<number>(init?.smooth && init.smooth.kind !== "none" ? init.smooth.amount : 0);
  const [group, setGroup] = useState(init?.group ?? PAGE);
  const [band, setBand] = useState<string>(init?.band ?? PAGE);
  const [log, setLog] = useState(init?.log === undefined ? PAGE : init.log ? "1" : "0");
  const [error, setError] = useState<string | null>(null);

  const reCheck = re ? MetricRegex.safeParse(re) : null;
  const matches = useMemo(() => (re && reCheck?.success ? matchMetrics(re, props.names) : []), [re, reCheck?.success, props.names]);

  const spec = (): PanelSpec => {
    const p: PanelSpec = { y };
    if (x === "metric") p.x = { metric: xMetric };
    else if (x !== PAGE) p.x = { mode: x as (typeof X_MODES)[number]["id"] };
    if (re) p.re = re;
    if (smooth !== PAGE) p.smooth = smooth === "none" ? { kind: "none", amount: 0 } : { kind: smooth as SmoothingKind, amount };
    if (group !== PAGE) p.group = group;
    if (band !== PAGE) p.band = band as PanelSpec["band"];
    if (log !== PAGE) p.log = log === "1";
    return p;
  };
  const save = () => {
    // through the URL form and back: what is saved is exactly what a link to it opens
    const parsed = parsePanel(formatPanel(spec()));
    if (!parsed.ok) return setError(parsed.error);
    props.onSave(parsed.panel);
  };
  const range = smooth !== PAGE && smooth !== "none" ? SMOOTHING_RANGES[smooth as keyof typeof SMOOTHING_RANGES] : null;

  return (
    <div className={`${styles.panel} ${styles.editor}`} data-testid="panel-editor">
      <div className={styles.editorTitle}>{init ? "Edit panel" : "New panel"}</div>
      <div className={styles.editorGrid}>
        <label className={styles.control}>
          <span>X axis</span>
          <select className="input" value={x} onChange={(e) => setX(e.target.value)} data-testid="panel-x">
            <option value={PAGE}>As the page</option>
            {X_MODES.map((m) => (
              <option key={m.id} value={m.id}>
                {m.id === "relative" ? "Time since the run's start" : m.label}
              </option>
            ))}
            <option value="metric">A metric…</option>
          </select>
        </label>
        {x === "metric" && (
          <label className={styles.control}>
            <span>X metric (paired by step)</span>
            <select className="input" value={xMetric} onChange={(e) => setXMetric(e.target.value)} data-testid="panel-x-metric">
              {props.names.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className={styles.control}>
          <span>Y metrics</span>
          <select className="input" multiple size={Math.min(6, Math.max(3, props.names.length))} value={y} onChange={(e) => setY([...e.target.selectedOptions].map((o) => o.value).slice(0, MAX_Y))} data-testid="panel-y">
            {props.names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label className={styles.control}>
          <span>or Y regex (whole name)</span>
          <input className="input mono" value={re} placeholder="val_.*" onChange={(e) => setRe(e.target.value)} data-testid="panel-regex" aria-invalid={reCheck ? !reCheck.success : undefined} />
          <span className={styles.hint} data-testid="panel-matches">
            {!re ? "e.g. val_.* or (train|val)_loss" : reCheck && !reCheck.success ? reCheck.error.issues[0].message : matches.length ? `matches ${matches.join(", ")}` : "matches no metric of these runs"}
          </span>
        </label>
        <div className={styles.control}>
          <span>Smoothing</span>
          <div className="row" style={{ gap: 6, flexWrap: "nowrap" }}>
            <select
              className="input"
              value={smooth}
              onChange={(e) => {
                setSmooth(e.target.value);
                const r = SMOOTHING_RANGES[e.target.value as keyof typeof SMOOTHING_RANGES];
                if (r) setAmount(r.default);
              }}
              data-testid="panel-smoothing"
            >
              <option value={PAGE}>As the page</option>
              <option value="none">None</option>
              {(Object.keys(SMOOTHING_RANGES) as (keyof typeof SMOOTHING_RANGES)[]).map((k) => (
                <option key={k} value={k}>
                  {SMOOTHING_RANGES[k].label}
                </option>
              ))}
            </select>
            {range && <input className="input" type="number" style={{ width: 74 }} min={range.min} max={range.max} step={range.step} value={amount} onChange={(e) => setAmount(Number(e.target.value))} aria-label="Panel smoothing amount" data-testid="panel-smoothing-amount" />}
          </div>
        </div>
        <label className={styles.control}>
          <span>Group by</span>
          <select className="input" value={group} onChange={(e) => setGroup(e.target.value)} data-testid="panel-group">
            <option value={PAGE}>As the page</option>
            <option value="none">No grouping</option>
            {props.groupKeys.map((k) => (
              <option key={k} value={k}>
                {groupingLabel(k)}
              </option>
            ))}
          </select>
        </label>
        <label className={styles.control}>
          <span>Band</span>
          <select className="input" value={band} onChange={(e) => setBand(e.target.value)} data-testid="panel-band">
            <option value={PAGE}>As the page</option>
            <option value="minmax">Min – max</option>
            <option value="std">± std</option>
            <option value="none">Mean only</option>
          </select>
        </label>
        <label className={styles.control}>
          <span>Y scale</span>
          <select className="input" value={log} onChange={(e) => setLog(e.target.value)} data-testid="panel-log">
            <option value={PAGE}>As the page</option>
            <option value="0">Linear</option>
            <option value="1">Log</option>
          </select>
        </label>
      </div>
      {error && (
        <div className="alert" role="alert" data-testid="panel-error" style={{ marginTop: 10 }}>
          {error}
        </div>
      )}
      <div className="row" style={{ gap: 8, marginTop: 10 }}>
        <button type="button" className="btn btn-primary btn-sm" onClick={save} data-testid="panel-save">
          {init ? "Apply" : "Add panel"}
        </button>
        <button type="button" className="btn btn-sm btn-ghost" onClick={props.onCancel} data-testid="panel-cancel">
          Cancel
        </button>
      </div>
    </div>
  );
}
