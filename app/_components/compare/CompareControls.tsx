"use client";
import { X_MODES, type XMode } from "../../_lib/chart-scale";
import { groupingLabel } from "../../_lib/compare-shape";
import type { BandKind } from "../../_lib/grouping";
import { SMOOTHING_RANGES, type Smoothing, type SmoothingKind } from "../../_lib/smoothing";
import styles from "./compare.module.css";

// The compare view's toolbar: x axis, log y, smoothing (kind + slider), group by + band.

export interface ControlsValue {
  x: XMode;
  log: boolean;
  smoothing: Smoothing;
  group: string | null;
  band: BandKind;
}

export function CompareControls(props: { value: ControlsValue; groupKeys: string[]; onChange: (v: Partial<ControlsValue>) => void }) {
  const { value, onChange } = props;
  const kind = value.smoothing.kind;
  const range = kind === "none" ? null : SMOOTHING_RANGES[kind];
  return (
    <div className={styles.controls} data-testid="compare-controls">
      <label className={styles.control}>
        <span>X axis</span>
        <select className="input" value={value.x} onChange={(e) => onChange({ x: e.target.value as XMode })} data-testid="x-mode">
          {X_MODES.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label}
            </option>
          ))}
        </select>
      </label>
      <label className={styles.check}>
        <input type="checkbox" checked={value.log} onChange={(e) => onChange({ log: e.target.checked })} data-testid="log-y" />
        Log scale
      </label>
      <div className={styles.control}>
        <span>Smoothing</span>
        <div className="row" style={{ gap: 6, flexWrap: "nowrap" }}>
          <select
            className="input"
            value={kind}
            data-testid="smoothing-kind"
            onChange={(e) => {
              const k = e.target.value as SmoothingKind;
              onChange({ smoothing: k === "none" ? { kind: "none", amount: 0 } : { kind: k, amount: SMOOTHING_RANGES[k].default } });
            }}
          >
            <option value="none">None</option>
            {(Object.keys(SMOOTHING_RANGES) as (keyof typeof SMOOTHING_RANGES)[]).map((k) => (
              <option key={k} value={k}>
                {SMOOTHING_RANGES[k].label}
              </option>
            ))}
          </select>
          <input
            type="range"
            className={styles.slider}
            disabled={!range}
            min={range?.min ?? 0}
            max={range?.max ?? 1}
            step={range?.step ?? 0.01}
            value={range ? value.smoothing.amount : 0}
            aria-label="Smoothing amount"
            data-testid="smoothing-slider"
            onChange={(e) => kind !== "none" && onChange({ smoothing: { kind, amount: Number(e.target.value) } })}
          />
          <span className={`mono ${styles.amount}`} data-testid="smoothing-amount">
            {range ? (kind === "ema" ? value.smoothing.amount.toFixed(2) : kind === "running" ? `${value.smoothing.amount} pts` : `σ ${value.smoothing.amount}`) : "–"}
          </span>
        </div>
      </div>
      <label className={styles.control}>
        <span>Group by</span>
        <select className="input" value={value.group ?? ""} onChange={(e) => onChange({ group: e.target.value || null })} data-testid="group-by">
          <option value="">No grouping</option>
          {props.groupKeys.map((k) => (
            <option key={k} value={k}>
              {groupingLabel(k)}
            </option>
          ))}
        </select>
      </label>
      {value.group && (
        <label className={styles.control}>
          <span>Band</span>
          <select className="input" value={value.band} onChange={(e) => onChange({ band: e.target.value as BandKind })} data-testid="band">
            <option value="minmax">Min – max</option>
            <option value="std">± std</option>
            <option value="none">Mean only</option>
          </select>
        </label>
      )}
    </div>
  );
}
