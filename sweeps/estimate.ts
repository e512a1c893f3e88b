import { DEFAULT_RUN_CONFIG, type RunConfig } from "../engine/config.ts";
import { estimateRunMs, MEASURED_SPEED, type Speed } from "../engine/speed.ts";
import { sweepSize, type SweepConfig } from "./config.ts";
import { makeRng } from "./rng.ts";
import { gridSearch } from "./search/grid.ts";
import { buildSpace, sampleParams } from "./search/space.ts";

// How long a sweep will take before it starts: every run's estimated time (engine/speed.ts,
// from the engine's measured speed) over the runs the search will make. A grid's runs are known
// exactly; random and bayes runs are represented by draws from the search space.

export interface SweepTimeEstimate {
  runs: number;
  /** the sum of the runs' times, as if one after another (ms) */
  totalMs: number;
  /** the longest single run (ms) */
  longestRunMs: number;
  /** runs at once: the sweep's concurrency, the server's workers and its cores, whichever is least */
  parallel: number;
  /** wall time at `parallel` runs at once (ms); null when nothing runs locally (parallel 0) */
  wallMs: number | null;
  /** early termination may stop runs sooner: the estimate is then an upper bound */
  upperBound: boolean;
}

/** Random and bayes runs: this many draws stand for all of them. */
const DRAWS = 200;

/**
 * `server`: the executor's local workers and the machine's cores (the page knows them; the
 * sweep's own `concurrency` defaults to the cores). Null for a sweep without a bound on its runs.
 */
export function estimateSweepTime(config: SweepConfig, server: { workers: number; cores: number }, speed: Speed = MEASURED_SPEED): SweepTimeEstimate | null {
  const runs = sweepSize(config);
  if (runs === null) return null;
  const space = buildSpace(config);
  // the space holds the constants too, so the params are the whole sweep-set part of the config
  const runMs = (params: Record<string, unknown>) => estimateRunMs({ ...DEFAULT_RUN_CONFIG, ...params } as RunConfig, speed);
  let totalMs = 0;
  let longestRunMs = 0;
  if (config.method === "grid") {
    const configs = Math.ceil(runs / config.replicates);
    for (let configIndex = 0; configIndex < configs; configIndex++) {
      const params = gridSearch({ config, space, trials: [], configIndex, rng: makeRng(0, 0, 0) });
      if (params === null) break;
      const ms = runMs(params);
      totalMs += ms * Math.min(config.replicates, runs - configIndex * config.replicates);
      longestRunMs = Math.max(longestRunMs, ms);
    }
  } else {
    const rng = makeRng(config.seed ?? 0, 0x5eed, 0);
    const n = Math.min(runs, DRAWS);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const ms = runMs(sampleParams(space, rng));
      sum += ms;
      longestRunMs = Math.max(longestRunMs, ms);
    }
    totalMs = n === 0 ? 0 : (sum / n) * runs;
  }
  const parallel = Math.max(0, Math.min(config.concurrency ?? server.cores, server.workers, server.cores));
  return {
    runs,
    totalMs,
    longestRunMs,
    parallel,
    wallMs: parallel === 0 ? null : Math.max(totalMs / parallel, longestRunMs),
    upperBound: config.early_terminate !== undefined,
  };
}
