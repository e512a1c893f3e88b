import { sweepMetric, type HyperbandStop } from "../config.ts";
import type { StopRule } from "./types.ts";

// Hyperband as W&B runs it (wandb/sweeps hyperband_stopping.py). Brackets are counts of
// logged evaluations of the metric: with max_iter, max_iter / eta^k for k = 1..s (min_iter is
// then ignored); otherwise min_iter · eta^k, k = 0..99 (s is ignored). At bracket b the
// threshold is the value ranked floor(n / eta) (0-based, best first) among the b-th values of
// all n runs that got that far, this run included. A running run past a bracket is stopped
// when its value is worse than the threshold of the last bracket it passed: its value at that
// bracket (strict, W&B's default since wandb/sweeps#108) or the best value it has logged so far.

/** W&B computes 100 brackets from min_iter; runs never get that far. */
const MIN_ITER_BRACKETS = 100;

/** Bracket positions (in evaluations), ascending. */
export function hyperbandBrackets(et: Pick<HyperbandStop, "min_iter" | "max_iter" | "s" | "eta">): number[] {
  const brackets: number[] = [];
  if (et.max_iter !== undefined) {
    let band = et.max_iter;
    for (let k = 0; k < (et.s ?? 0); k++) {
      band /= et.eta;
      if (band < 1) break;
      brackets.push(Math.floor(band));
    }
    return brackets.sort((a, b) => a - b);
  }
  if (et.min_iter === undefined) return brackets;
  let band = et.min_iter;
  for (let k = 0; k < MIN_ITER_BRACKETS && band < Number.MAX_SAFE_INTEGER; k++) {
    brackets.push(Math.floor(band));
    band *= et.eta;
  }
  return brackets;
}

/** Threshold at each bracket, from every run's history (this run included). */
export function hyperbandThresholds(brackets: readonly number[], eta: number, histories: readonly (readonly number[])[]): number[] {
  return brackets.map((b) => {
    const values = histories.filter((h) => h.length >= b).map((h) => h[b - 1]);
    if (values.length === 0) return Infinity;
    values.sort((x, y) => x - y);
    return values[Math.floor((1 / eta) * values.length)];
  });
}

export const hyperbandStop: StopRule = ({ config, history, others, format }) => {
  const et = config.early_terminate as HyperbandStop;
  const brackets = hyperbandBrackets(et);
  const passed = brackets.filter((b) => b <= history.length);
  if (passed.length === 0)
    return { stop: false, reason: `hyperband: first bracket at ${brackets[0]} evaluations, run has ${history.length}` };
  const all = [history, ...others].filter((h) => h.length > 0);
  const band = passed[passed.length - 1];
  const threshold = hyperbandThresholds([band], et.eta, all)[0];
  const value = et.strict ? history[band - 1] : Math.min(...history);
  const which = et.strict ? `value at ${band} evaluations` : "best value";
  if (value > threshold)
    return {
      stop: true,
      reason:
        `hyperband: ${which} of ${sweepMetric(config).name} (${format(value)}) is worse than the top-1/${et.eta} ` +
        `threshold ${format(threshold)} at the ${band}-evaluation bracket`,
    };
  return { stop: false, reason: `hyperband: within the top 1/${et.eta} at the ${band}-evaluation bracket` };
};
