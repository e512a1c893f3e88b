import type { DecideStop, MetricHistory } from "../stop/ledger";
import type { SweepInfo, TrialInfo } from "./types";

export type { MetricHistory };

// What the Coordinator asks of a sweep's search and stopping rule. `planFor` (strategy.ts)
// builds one from the stored SweepConfig with the pure functions of sweeps/search and
// sweeps/stop; tests may pass their own.

export interface Proposal {
  /** The values the search chose (shown as the run's params). */
  params: Record<string, unknown>;
  /** The RunConfig input of the run: base values, the params and the derived seed. */
  config: Record<string, unknown>;
}

/** The search has nothing more to propose, and why ("grid exhausted", "run_cap reached" ...). */
export interface Done {
  done: string;
}

export interface SweepPlan {
  /** The run at `index`, given every run of the sweep so far (re-runs included). */
  propose(index: number, trials: TrialInfo[]): Proposal | Done;
  /** Whether the sweep has an early-termination rule (otherwise histories are never loaded). */
  readonly earlyTermination: boolean;
  /** Early termination: the reason `runId` should stop now, or null, given every run's history of the sweep metric. */
  shouldStop: DecideStop;
}

export type PlanFactory = (sweep: SweepInfo) => SweepPlan;
