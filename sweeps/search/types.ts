import type { SweepConfig } from "../config.ts";
import type { RunState } from "../states.ts";
import type { Rng } from "../rng.ts";
import type { Dim, Params } from "./space.ts";

/** A past run of the sweep, as the search sees it. `trials[i]` is the run with index i. */
export interface Trial {
  params: Params;
  state: RunState;
  /**
   * The run's value of `metric.name` (its summary: we recommend the best value), or null
   * when it logged none. Failed, diverged, crashed and pruned runs count as the worst value.
   */
  value: number | null;
  /** its last logged value of `metric.name` (metric.impute: latest), when known */
  latest?: number | null;
  /** a run index reserved by another process whose run this one cannot see yet (params unknown) */
  unknown?: boolean;
}

export interface SearchContext {
  config: SweepConfig;
  space: readonly Dim[];
  trials: readonly Trial[];
  /** which configuration is being proposed (run index / replicates) */
  configIndex: number;
  /** a stream derived from (sweep seed, configIndex): the proposal is a pure function */
  rng: Rng;
}

/** One search strategy: the next configuration's parameters, or null when the space is exhausted. */
export type SearchStrategy = (ctx: SearchContext) => Params | null;
