import { sweepMetric, type SweepConfig } from "../config.ts";
import { hyperbandStop } from "./hyperband.ts";
import { medianStop } from "./median.ts";
import { noStop } from "./none.ts";
import type { StopDecision, StopRule } from "./types.ts";

export type { StopDecision, StopRule } from "./types.ts";
export { hyperbandBrackets, hyperbandThresholds } from "./hyperband.ts";

// Early termination: should this running run stop now? A pure function of metric histories;
// the executor carries the stop out and marks the run `pruned`.

const RULES: Record<NonNullable<SweepConfig["early_terminate"]>["type"] | "none", StopRule> = {
  none: noStop,
  hyperband: hyperbandStop,
  median: medianStop,
};

/**
 * @param runHistory the run's values of `config.metric.name`, one per logged evaluation, in order
 * @param otherRunsHistories the same for every other run of the sweep (running or ended)
 */
export function shouldStop(
  config: SweepConfig,
  runHistory: readonly (number | null)[],
  otherRunsHistories: readonly (readonly (number | null)[])[],
): StopDecision {
  const sign = sweepMetric(config).goal === "maximize" ? -1 : 1;
  // as W&B: non-finite values are not evaluations; maximised metrics are negated
  const orient = (h: readonly (number | null)[]) =>
    h.filter((v): v is number => v !== null && Number.isFinite(v)).map((v) => sign * v);
  const rule = RULES[config.early_terminate?.type ?? "none"];
  return rule({
    config,
    history: orient(runHistory),
    others: otherRunsHistories.map(orient),
    format: (v) => String(Number((sign * v).toPrecision(6))),
  });
}
