import type { RunConfig } from "../../engine/config.ts";
import { parameterNames, type SweepConfig } from "../config.ts";
import { deriveSeed, hashString, makeRng } from "../rng.ts";
import { bayesSearch } from "./bayes.ts";
import { gridSearch, gridSize } from "./grid.ts";
import { randomSearch } from "./random.ts";
import { buildSpace } from "./space.ts";
import type { SearchStrategy, Trial } from "./types.ts";

export type { Trial, SearchStrategy, SearchContext } from "./types.ts";
export type { Params } from "./space.ts";

// Ask the sweep for its next run. A pure function of (config, past runs): run index n is
// configuration floor(n / replicates), replicate n % replicates; a configuration's first
// replicate is chosen by the strategy with an RNG derived from (sweep seed, configuration),
// later replicates repeat its parameters; the run seed derives from (sweep seed,
// configuration, replicate) unless the sweep sets `seed` itself.

export const STRATEGIES: Record<SweepConfig["method"], SearchStrategy> = {
  grid: gridSearch,
  random: randomSearch,
  bayes: bayesSearch,
};

export type Proposal =
  | {
      done: false;
      /** run index (= trials.length) */
      index: number;
      configIndex: number;
      replicate: number;
      /** RunConfig keys to set (swept parameters, constants and seed); other keys keep their defaults */
      params: Partial<RunConfig>;
    }
  | { done: true; reason: string };

export function proposeNext(config: SweepConfig, trials: readonly Trial[]): Proposal {
  const index = trials.length;
  if (config.run_cap !== undefined && index >= config.run_cap)
    return { done: true, reason: `run_cap reached (${config.run_cap} runs)` };
  const hit = targetReached(config, trials);
  if (hit !== null) return { done: true, reason: `target reached: run ${hit} has ${config.metric?.name} = ${trials[hit].value}` };

  const replicates = config.replicates;
  const configIndex = Math.floor(index / replicates);
  const replicate = index % replicates;
  const sweepSeed = config.seed ?? 0;
  const first = trials[configIndex * replicates];

  let params: Record<string, unknown> | null;
  if (replicate > 0 && first && !first.unknown) params = { ...first.params };
  else {
    const rng = makeRng(sweepSeed, hashString(config.method), configIndex);
    params = STRATEGIES[config.method]({ config, space: buildSpace(config), trials, configIndex, rng });
  }
  if (params === null) return { done: true, reason: config.method === "grid" ? `grid exhausted (${gridSize(config.parameters)} configurations)` : "search exhausted" };
  if (!parameterNames(config).includes("seed")) params.seed = deriveSeed(sweepSeed, configIndex, replicate);
  return { done: false, index, configIndex, replicate, params: params as Partial<RunConfig> };
}

/** Index of the first finished run that reached metric.target, or null. */
export function targetReached(config: SweepConfig, trials: readonly Trial[]): number | null {
  const target = config.metric?.target;
  if (target === undefined) return null;
  const better = config.metric?.goal === "maximize" ? (v: number) => v >= target : (v: number) => v <= target;
  const i = trials.findIndex((t) => t.state === "finished" && t.value !== null && Number.isFinite(t.value) && better(t.value));
  return i < 0 ? null : i;
}
