import type { SweepConfig } from "../config.ts";
import { shouldStop } from "./index.ts";

// Early termination as a sweep's evaluations arrive, one at a time, in the order they were
// stored. The executor feeds it live (sweeps/executor/coordinator.ts) and a replay feeds it a
// finished sweep's stored points (sweeps/stop/replay.ts): the same code decides both, so a
// replay with the sweep's own settings reproduces what the live sweep pruned.
//
// Why the order of arrival: a rule compares a run with the other runs' histories as they were
// when it decided, so the decision depends on which of their evaluations existed then. The
// order is the store's (the order points were written), not the order a process happened to
// read them in: every executor that shares a database decides the same thing.
//
// One case a replay can differ in: a run interrupted and resumed from a checkpoint logs the
// steps after its checkpoint again, and the store keeps the second copy, later in the order;
// live, the ledger took them at their first logging (a step seen once is not seen again).
//
// A run's evaluations after the one at which it was condemned are not evaluations for the rule
// (neither its own nor as another run's history): they exist only because the worker took a
// moment to stop, and how long it took must not change what is pruned.

/** A run's history of the sweep metric: one entry per logged evaluation. */
export interface MetricHistory {
  steps: number[];
  values: (number | null)[];
}

/** One stored point of the sweep metric. */
export interface EvaluationPoint {
  runId: string;
  step: number;
  value: number | null;
}

/** A run the rule condemned: at its `evaluation`-th evaluation (1-based), logged at `step`. */
export interface PruneDecision {
  runId: string;
  evaluation: number;
  step: number;
  reason: string;
}

/** The reason `runId` should stop now, or null, given every run's history of the sweep metric. */
export type DecideStop = (runId: string, histories: ReadonlyMap<string, MetricHistory>) => string | null;

/** DecideStop of a sweep config: its early_terminate rule (sweeps/stop) over the run's history and the others'. */
export function decideByConfig(config: SweepConfig): DecideStop {
  return (runId, histories) => {
    const mine = histories.get(runId);
    if (!mine) return null;
    const others = [...histories].filter(([id]) => id !== runId).map(([, h]) => h.values);
    const decision = shouldStop(config, mine.values, others);
    return decision.stop ? (decision.reason ?? "early termination") : null;
  };
}

/** The steps a run's config says it trains for (engine runs), if it says. */
export function plannedStepsOf(config: Record<string, unknown>): number | undefined {
  return typeof config.steps === "number" ? config.steps : undefined;
}

export class PruningLedger {
  /** Every run's history, as the rule sees it. */
  readonly histories = new Map<string, MetricHistory>();
  /** The runs condemned so far, in the order they were. */
  readonly decisions = new Map<string, PruneDecision>();

  /**
   * @param decide the stopping rule
   * @param plannedSteps the steps a run trains for, when known: its evaluation at (or past) that
   *   step is its last, and stopping it then saves nothing, so it is never condemned there
   */
  constructor(
    private readonly decide: DecideStop,
    private readonly plannedSteps: (runId: string) => number | undefined,
  ) {}

  /** Take the next stored point; the decision when it condemns its run. */
  observe(point: EvaluationPoint): PruneDecision | null {
    if (this.decisions.has(point.runId)) return null;
    let history = this.histories.get(point.runId);
    if (!history) this.histories.set(point.runId, (history = { steps: [], values: [] }));
    const last = history.steps[history.steps.length - 1];
    if (last !== undefined && point.step <= last) return null; // a resumed run logging a step again
    history.steps.push(point.step);
    history.values.push(point.value);
    const planned = this.plannedSteps(point.runId);
    if (planned !== undefined && point.step >= planned) return null;
    const reason = this.decide(point.runId, this.histories);
    if (reason === null) return null;
    const decision = { runId: point.runId, evaluation: history.values.length, step: point.step, reason };
    this.decisions.set(point.runId, decision);
    return decision;
  }
}
