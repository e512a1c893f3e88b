"use client";
import { useMemo } from "react";
import type { SeriesPoint } from "../../../../prisma/store/metrics";
import type { Smoothing } from "../../../_lib/smoothing";
import { formatRate } from "../../../_lib/format";
import { SYSTEM_METRICS } from "../../../../engine/system-metrics";
import { CurveChart, type ChartSeries } from "../../charts";
import styles from "./run.module.css";

// The run's training curves: loss (train and val), accuracy when logged, gradient norm,
// learning rate, throughput, then the worker's CPU, memory and time per step — panels with a
// shared hover. Live points just redraw.

/** The worker's system metrics (engine/system-metrics.ts), drawn after the training ones. */
const SYSTEM_TITLES: Record<string, string> = {
  "system/cpu_percent": "system: CPU (% of one core)",
  "system/rss_mb": "system: resident memory (MiB)",
  "system/step_ms": "system: wall time per step (ms)",
};

const toPoints = (pts: SeriesPoint[] | undefined) => (pts ?? []).map((p) => ({ x: p.step, y: p.value, t: p.wallTime }));

export function RunCharts(props: {
  runId: string;
  color: string;
  state: string;
  series: Record<string, SeriesPoint[]>;
  smoothing: Smoothing;
  /** the run's typical throughput (the header's figure), drawn on its chart */
  throughput: { median: number; unit: string } | null;
}) {
  const { runId, series, color } = props;
  const loss: ChartSeries[] = useMemo(
    () => [
      { runId: "train_loss", name: "train_loss", color: "#98a2b3", points: toPoints(series.train_loss), state: props.state },
      { runId: "val_loss", name: "val_loss", color, points: toPoints(series.val_loss) },
    ],
    [series, color, props.state],
  );
  const single = (key: string, c = color): ChartSeries[] => [{ runId: key, name: key, color: c, points: toPoints(series[key]) }];
  const known = ["val_acc", "grad_norm", "lr", "throughput", ...SYSTEM_METRICS];
  // a program's run: every metric it logged after the engine's own, in name order (`val/loss` …)
  const others = Object.keys(series)
    .filter((k) => k !== "train_loss" && k !== "val_loss" && !known.includes(k))
    .sort();
  const extra = [...known, ...others].filter((k) => series[k]?.length);
  const hasLoss = Boolean(series.train_loss?.length || series.val_loss?.length);
  const tp = props.throughput;
  const reference = useMemo(() => (tp ? { y: tp.median, label: `median ${formatRate(tp.median)} ${tp.unit}` } : null), [tp?.median, tp?.unit]);
  const title = (k: string) => SYSTEM_TITLES[k] ?? (k === "grad_norm" ? "gradient norm (global, before clipping)" : k === "lr" ? "learning rate" : k === "throughput" && tp ? `throughput (${tp.unit})` : k);
  return (
    <div className={styles.panels}>
      {(hasLoss || extra.length === 0) && (
        <div className={styles.panel} data-testid="run-panel-loss">
          <CurveChart title="loss" series={loss} smoothing={props.smoothing} syncId={`run-${runId}`} height={250} testId="run-loss-chart" />
        </div>
      )}
      {extra.map((k) => (
        <div key={k} className={styles.panel} data-testid={`run-panel-${k.replaceAll("/", "-")}`}>
          <CurveChart
            title={title(k)}
            series={single(k, k === "lr" ? "#7048e8" : k === "grad_norm" ? "#e8590c" : color)}
            smoothing={k === "lr" ? { kind: "none", amount: 0 } : props.smoothing}
            logY={k === "grad_norm"}
            syncId={`run-${runId}`}
            height={220}
            legend={false}
            reference={k === "throughput" ? reference : null}
            testId={`run-${k.replaceAll("/", "-")}-chart`}
          />
        </div>
      ))}
    </div>
  );
}
