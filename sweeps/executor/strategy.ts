import { RunConfig } from "../../engine/config";
import { isProgramSweep, parameterNames, parseSweepConfig, type SweepConfig } from "../config";
import { proposeNext, type Trial } from "../search";
import { decideByConfig } from "../stop/ledger";
import { higherIsBetter } from "../summary";
import type { PlanFactory, SweepPlan } from "./plan";
import type { SweepInfo, TrialInfo } from "./types";

// The real plan of a sweep: its stored SweepConfig with the pure search functions
// (sweeps/search) and stopping rules (sweeps/stop). Everything here is a pure function of the
// sweep config, its seed and the runs so far, so the same seed gives the same proposals.

/** The search's view of a run: its params, state and value of the sweep metric. */
export function toTrial(config: SweepConfig, run: TrialInfo | undefined): Trial {
  if (!run) return { params: {}, state: "queued", value: null, unknown: true };
  // a sweep without a metric (a program's, as W&B allows) searches without values: random and grid
  if (!config.metric) return { params: run.params, state: run.state, value: null, latest: null };
  const name = config.metric.name;
  // the summary's `_best` is best in the metric's natural direction; use it when that is the goal's
  const bestAgrees = higherIsBetter(name) === (config.metric.goal === "maximize");
  const v = (bestAgrees ? run.summary[`${name}_best`] : undefined) ?? run.summary[name] ?? null;
  const last = run.summary[name];
  return { params: run.params, state: run.state, value: typeof v === "number" && Number.isFinite(v) ? v : null, latest: typeof last === "number" && Number.isFinite(last) ? last : null };
}

/** trials[i] = the run with index i (the original, not a re-run), as proposeNext expects. */
export function trialsByIndex(config: SweepConfig, runs: TrialInfo[], count: number): Trial[] {
  const byIndex = new Map<number, TrialInfo>();
  for (const r of runs) if (r.rerunOf === null && !byIndex.has(r.index)) byIndex.set(r.index, r);
  return Array.from({ length: count }, (_, i) => toTrial(config, byIndex.get(i)));
}

export function planFromConfig(config: SweepConfig): SweepPlan {
  const swept: string[] = parameterNames(config); // under choices too: a run's params hold those of its branch
  const program = isProgramSweep(config);
  return {
    earlyTermination: config.early_terminate !== undefined,
    propose(index, runs) {
      const proposal = proposeNext(config, trialsByIndex(config, runs, index));
      if (proposal.done) return { done: proposal.reason };
      const params = Object.fromEntries(swept.filter((k) => k in proposal.params).map((k) => [k, (proposal.params as Record<string, unknown>)[k]]));
      // a program's run gets exactly the swept values (no engine seed: an argument parser would refuse it)
      if (program) return { params, config: { ...params } };
      const resolved = RunConfig.safeParse(proposal.params);
      // config.ts checks every value against RunConfig, so this only fails on a bug; the worker then reports it
      return { params, config: resolved.success ? resolved.data : { ...proposal.params } };
    },
    shouldStop: decideByConfig(config),
  };
}

/** The PlanFactory executors use: parses the sweep's stored config (it was validated when the sweep was created). */
export const planFor: PlanFactory = (sweep: SweepInfo) => {
  const parsed = parseSweepConfig(sweep.config);
  if (!parsed.ok) {
    const issue = parsed.issues[0];
    throw new Error(`the stored config of sweep ${sweep.id} is not valid: ${issue.path ? `${issue.path}: ` : ""}${issue.message}`);
  }
  return planFromConfig(parsed.config);
};
