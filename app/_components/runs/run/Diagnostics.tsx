"use client";
import { useEffect, useMemo, useRef } from "react";
import { formatNumber } from "../../../_lib/format";
import { gradFlowRows, gradRatio, normColor, pickRows, saturationPoints, type DiagnosticIn, type GradFlowRow } from "../../../_lib/run-diagnostics";
import { CurveChart } from "../../charts";
import styles from "./run.module.css";

// Gradient flow through time and saturation. The heat strip has one row per logged step
// (top = early training) and one column per timestep t of the chunk, coloured by
// log10 ‖∂L_T/∂h_t‖: a vanilla RNN's strip goes dark towards t = 1 (vanishing), a healthy
// LSTM's stays even. The line chart shows a few of those rows on a log scale. A task may name
// timesteps (delayed_recall: the symbol to remember and the cue): they are marked under the
// strip, and the headline ratio compares the gradient there.

const RAMP = ["#6a3d9a", "#1f78b4", "#33a02c", "#ff7f00", "#e31a1c"];

function HeatStrip(props: { rows: GradFlowRow[] }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const T = props.rows[0]?.norms.length ?? 0;
  const marks = props.rows[props.rows.length - 1]?.marks ?? [];
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || T === 0) return;
    canvas.width = T;
    canvas.height = props.rows.length;
    const ctx = canvas.getContext("2d")!;
    props.rows.forEach((r, y) => r.norms.forEach((v, x) => {
      ctx.fillStyle = normColor(Math.log10(v));
      ctx.fillRect(x, y, 1, 1);
    }));
  }, [props.rows, T]);
  if (T === 0) return null;
  return (
    <div>
      <canvas ref={ref} className={styles.heat} style={{ height: Math.min(220, Math.max(60, props.rows.length * 4)) }} data-testid="grad-flow-heat" />
      {marks.length > 0 && (
        <div className={styles.heatMarks} data-testid="grad-flow-marks">
          {marks.map((m) => {
            const right = m.t / T > 0.5; // label to the left of its tick in the right half
            return (
              <span key={m.t} className={right ? styles.markRight : undefined} style={{ left: `${((m.t - 0.5) / T) * 100}%` }}>
                {right ? `${m.label} (t = ${m.t}) ▲` : `▲ ${m.label} (t = ${m.t})`}
              </span>
            );
          })}
        </div>
      )}
      <div className={styles.heatAxis}>
        <span>t = 1 (earliest input)</span>
        <span>timestep t →</span>
        <span>t = {T} (where the loss is)</span>
      </div>
    </div>
  );
}

export function Diagnostics(props: { runId: string; diagnostics: DiagnosticIn[] }) {
  const rows = useMemo(() => gradFlowRows(props.diagnostics), [props.diagnostics]);
  const sat = useMemo(() => saturationPoints(props.diagnostics), [props.diagnostics]);
  const picked = pickRows(rows, 5);
  const lines = picked.map((r, i) => ({
    runId: `step-${r.step}`,
    name: `step ${r.step}`,
    color: RAMP[Math.round((i * (RAMP.length - 1)) / Math.max(1, picked.length - 1))],
    points: r.norms.map((y, t) => ({ x: t + 1, y: Number.isFinite(y) && y > 0 ? y : null })),
  }));
  const last = rows[rows.length - 1];
  const ratio = last ? gradRatio(last) : null;
  if (rows.length === 0 && sat.length === 0) {
    return <p className="muted" data-testid="no-diagnostics">No diagnostics logged for this run (gradient flow and saturation are logged at each evaluation of recurrent models).</p>;
  }
  return (
    <div className={styles.panels}>
      <div className={`${styles.panel} ${styles.panelWide}`} data-testid="grad-flow">
        <div className="row" style={{ justifyContent: "space-between", marginBottom: 6 }}>
          <strong>Gradient flow through time ‖∂L/∂h_t‖</strong>
          {ratio !== null && (
            <span className="muted" data-testid="grad-ratio">
              latest: ‖∂L/∂h‖ at {ratio.from} / at {ratio.to} = <strong>{ratio.ratio === 0 ? "0" : formatNumber(ratio.ratio, 2)}</strong>{" "}
              {ratio.ratio < 1e-3 ? "— vanishing" : ratio.ratio > 1e3 ? "— exploding" : "— flows back through time"}
            </span>
          )}
        </div>
        <div className="grid-2">
          <div>
            <p className={styles.hint}>Each row is one logged step (top = start of training), each column a timestep.</p>
            <HeatStrip rows={rows} />
            <div className="row" style={{ marginTop: 6, fontSize: 11, color: "var(--faint)" }}>
              <span>10⁻⁶</span>
              <span className={styles.legendRamp} />
              <span>10²</span>
            </div>
          </div>
          <CurveChart title="‖∂L/∂h_t‖ by timestep (log)" series={lines} logY xMode="step" height={230} testId="grad-flow-lines" emptyText="No gradient flow logged" />
        </div>
      </div>
      <div className={`${styles.panel} ${styles.panelWide}`}>
        <CurveChart
          title="Share of saturated units (|tanh| > 0.99)"
          series={[{ runId: "saturation", name: "saturated share", color: "#c2255c", points: sat }]}
          height={200}
          legend={false}
          testId="saturation-chart"
          emptyText="No saturation logged (ReLU and MLP models have no tanh units)"
        />
      </div>
    </div>
  );
}
