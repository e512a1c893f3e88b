import { sweepMetric, type MedianStop } from "../config.ts";
import type { StopRule } from "./types.ts";

// The median stopping rule (Golovin et al., Google Vizier; optuna's MedianPruner): after
// t evaluations, a run whose best value so far is worse than the median of the other runs'
// t-th values is stopped. Nothing is decided before min_iter evaluations, nor while fewer
// than min_runs other runs have reached evaluation t.

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const medianStop: StopRule = ({ config, history, others, format }) => {
  const et = config.early_terminate as MedianStop;
  const t = history.length;
  if (t < et.min_iter) return { stop: false, reason: `median rule: waits for ${et.min_iter} evaluations, run has ${t}` };
  const peers = others.filter((h) => h.length >= t).map((h) => h[t - 1]);
  if (peers.length < et.min_runs)
    return { stop: false, reason: `median rule: ${peers.length} other runs reached ${t} evaluations, needs ${et.min_runs}` };
  const med = median(peers);
  const best = Math.min(...history);
  if (best > med)
    return {
      stop: true,
      reason:
        `median rule: best ${sweepMetric(config).name} so far (${format(best)}) is worse than the median ` +
        `${format(med)} of ${peers.length} other runs at evaluation ${t}`,
    };
  return { stop: false };
};
