import { DEFAULT_RUN_CONFIG, type RunConfig } from "../engine/config.ts";
import { coefficient, estimateRunMs, fitSpeed, MEASURED_SPEED, runWork, SPEED_TERMS, workMs, type Speed, type TimedWork } from "../engine/speed.ts";
import { isProgramSweep, sweepSize, type SweepConfig } from "./config.ts";
import { makeRng } from "./rng.ts";
import { gridSearch } from "./search/grid.ts";
import { buildSpace, sampleParams } from "./search/space.ts";
import { median } from "./stats.ts";

// How long a sweep will take before it starts: every run's estimated time (engine/speed.ts,
// from the engine's measured speed) over the runs the search will make. A grid's runs are known
// exactly; random and bayes runs are represented by draws from the search space.

export interface SweepTimeEstimate {
  runs: number;
  /** the sum of the runs' times, as if one after another (ms), a worker started for each slot's first */
  totalMs: number;
  /** the longest single run, in a waiting worker (ms) */
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
 * sweep's own `concurrency` defaults to the cores). Null for a sweep without a bound on its runs,
 * and for a sweep of someone's own program: the engine's speed says nothing of how long it takes.
 */
export function estimateSweepTime(config: SweepConfig, server: { workers: number; cores: number }, speed: Speed = MEASURED_SPEED): SweepTimeEstimate | null {
  const runs = sweepSize(config);
  if (runs === null || isProgramSweep(config)) return null;
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
  // each worker slot starts its process for its first run; the next runs take the waiting one
  const spawnMs = speed.spawnMs ?? 0;
  totalMs += spawnMs * Math.min(runs, Math.max(1, parallel));
  return {
    runs,
    totalMs,
    longestRunMs,
    parallel,
    wallMs: parallel === 0 ? null : Math.max(totalMs / parallel, longestRunMs + spawnMs),
    upperBound: config.early_terminate !== undefined,
  };
}

// ---- time left: a running sweep's runs still to train --------------------------------------

export interface TimeLeftInput {
  config: SweepConfig;
  /**
   * runs training now: their config, the step they reached, how long since they first started
   * (ms), and their worker's own time at that step (summary _runtime, ms) when known; `resumed`
   * when interrupted and resumed since, so that the time since they first started spans the gap
   */
  running: readonly { config: Record<string, unknown>; lastStep: number; elapsedMs: number; runtimeMs?: number | null; resumed?: boolean }[];
  /** runs waiting for a worker (configs known), in the order they will be claimed */
  queued: readonly { config: Record<string, unknown> }[];
  /** runs the search has still to propose: each taken at the sweep's mean run (estimateSweepTime) */
  toPropose: number;
  /** runs at a time */
  parallel: number;
  speed?: Speed;
  /** the sweep's mean run at `speed` (meanRunMs), when the caller keeps it: a large grid's costs ~60 µs a point */
  meanRunMs?: number;
}

/** The sweep's mean run (ms) over the runs it makes (estimateSweepTime); null without a bound on its runs. */
export function meanRunMs(config: SweepConfig, speed: Speed = MEASURED_SPEED): number | null {
  const whole = estimateSweepTime(config, { workers: 1, cores: 1 }, speed);
  return whole && whole.runs > 0 ? whole.totalMs / whole.runs : null;
}

/**
 * How long until a running sweep's last run ends (ms): each run training now takes what is left
 * of it at the pace it has shown (or its estimate, before its first step), then the queued runs
 * and those still to propose go, in turn, to whichever of the `parallel` slots frees first.
 * `upperBound` with early termination. Null without a bound on the runs or a slot to run them.
 */
export function estimateTimeLeft(input: TimeLeftInput): { ms: number; upperBound: boolean } | null {
  const speed = input.speed ?? MEASURED_SPEED;
  const parallel = Math.floor(input.parallel);
  if (parallel < 1) return null;
  const runMs = (config: Record<string, unknown>) => estimateRunMs({ ...DEFAULT_RUN_CONFIG, ...config } as RunConfig, speed);
  const left = input.running.map((r) => {
    const steps = typeof r.config.steps === "number" ? r.config.steps : DEFAULT_RUN_CONFIG.steps;
    // its pace as its worker timed it up to its last reported step (start-up and any gap left
    // out), less what it has trained since that report: a server hears of an agent's steps a
    // flush later, and taking "now" for that step's time priced a run 4 times too slow
    if (r.runtimeMs != null && r.runtimeMs > 0 && r.lastStep > 0) {
      const since = r.resumed ? 0 : Math.max(0, r.elapsedMs - speed.startupMs - r.runtimeMs);
      return Math.max(0, (r.runtimeMs / r.lastStep) * Math.max(0, steps - r.lastStep) - since);
    }
    // its pace over the steps it trained, without its start-up (the worker, the task, the model):
    // counted in, a run 10 steps in at 1 ms a step after 125 ms of start-up looked 13 times slower
    const training = r.elapsedMs - speed.startupMs;
    // a resumed run's time since it first started spans the gap: its steps left at the estimate's pace
    if (r.resumed) return r.lastStep >= steps ? 0 : ((runMs(r.config) - speed.startupMs) * (steps - r.lastStep)) / steps;
    if (r.lastStep <= 0 || training <= 0) return Math.max(0, runMs(r.config) - Math.max(0, r.elapsedMs));
    return (training * Math.max(0, steps - r.lastStep)) / r.lastStep;
  });
  let mean = 0;
  if (input.toPropose > 0) {
    const m = input.meanRunMs ?? meanRunMs(input.config, speed);
    if (m === null) return null;
    mean = m;
  }
  // slots free at these times; each next run goes to the earliest (as the executor claims)
  const slots = Array.from({ length: parallel }, (_, i) => left[i] ?? 0);
  for (const extra of left.slice(parallel)) slots[slots.indexOf(Math.min(...slots))] += extra;
  const next = (ms: number) => {
    slots[slots.indexOf(Math.min(...slots))] += ms;
  };
  for (const q of input.queued) next(runMs(q.config));
  const oneByOne = Math.min(input.toPropose, 1000);
  for (let i = 0; i < oneByOne; i++) next(mean);
  // beyond a thousand runs of the mean length, the slots fill evenly
  const rest = ((input.toPropose - oneByOne) * mean) / parallel;
  return { ms: Math.max(...slots) + rest, upperBound: input.config.early_terminate !== undefined };
}

// ---- calibration: the speed of this server, from the runs it has trained -------------------
//
// MEASURED_SPEED was fitted on one machine; on others the same runs took from 0.6 to 1.6 times
// as long (start-up alone from 79 to 200 ms). Once a server has trained a few runs, the form's
// estimate is priced at the speed those runs show instead.

/** A stored run: its config, the steps it trained and its wall time. */
export interface RunTime {
  config: Record<string, unknown>;
  steps: number;
  ms: number;
  /** its worker's share of a core over its last logged interval (summary system/cpu_percent), when known */
  cpuPercent?: number | null;
  /** its worker was started for it (true) or was waiting (false) (summary system/spawn_ms), when known */
  spawned?: boolean | null;
}

/**
 * A run whose worker had less of a core than this at its end shared it with other work (a
 * benchmark, a browser, another program): its time measures that load, not this server's speed.
 * Alone, a worker has 90–100% over a last log interval of 20 ms or more (the store gives no share
 * over shorter ones: noise); runs trained beside a benchmark's 600 on 2 cores had 6–77% and took
 * 3–15 times their estimate, and fitted on them the next sweep was priced 2.6 times too long.
 * Those the cut keeps the fit's outlier trimming takes.
 */
export const CALIBRATION_MIN_CPU_PERCENT = 50;

/** Fewer runs than this: the recorded speed. */
export const CALIBRATION_MIN_RUNS = 5;

export interface Calibration {
  speed: Speed;
  /** the runs it was calibrated on */
  runs: number;
}

/** The work a stored run did: its config's, over the steps it trained. */
export function runTimeWork(r: RunTime): TimedWork {
  return { ...runWork({ ...DEFAULT_RUN_CONFIG, ...r.config, steps: r.steps } as RunConfig), spawned: r.spawned === true, ms: r.ms };
}

/**
 * How far each recorded constant may move (fitSpeed's prior): a move by this much (relative)
 * costs as much as one run missed by 100%. Start-up and spawn differ most between machines (a
 * run's share of both from 52 to 200 ms measured), the work rate least (3.9e7 to 4.6e7
 * flops/ms): when every run is alike, so that the runs cannot tell start-up from work, start-up
 * takes what a run of mostly start-up misses by, the work rate what a run of mostly work misses
 * by. Spawn moves only as far as runs that started their worker show.
 */
const PRIOR_SPREAD = { startup: 50, spawn: 20, flops: 5, calls: 5, batches: 5, elements: 5 } as const;

/**
 * This server's speed from the runs it finished (newest first; a hundred are plenty): the
 * recorded constants' terms (start-up, a worker's spawn, work rate, cost per call, per batch and per element)
 * fitted to them on relative error, held to the recorded values only as far as the runs leave
 * them open (PRIOR_SPREAD), leaving out runs off by more than ×2 from the rest (a run slowed by
 * other load; a run stored without saying whether it spawned its worker is taken as not, and when
 * it did, its spawn puts it out too). Null below CALIBRATION_MIN_RUNS runs.
 */
export function calibrateSpeed(runs: readonly RunTime[], base: Speed = MEASURED_SPEED): Calibration | null {
  const rows = runs
    .filter((r) => r.steps > 0 && r.ms > 0 && Number.isFinite(r.ms) && !(typeof r.cpuPercent === "number" && r.cpuPercent < CALIBRATION_MIN_CPU_PERCENT))
    .map(runTimeWork);
  if (rows.length < CALIBRATION_MIN_RUNS) return null;
  // the outliers, against the recorded constants scaled by the runs' median of measured / estimated
  const f = median(rows.map((r) => r.ms / workMs(r, base)));
  const scaled: Speed = { startupMs: base.startupMs * f, spawnMs: (base.spawnMs ?? 0) * f, flopsPerMs: base.flopsPerMs / f, msPerCall: base.msPerCall * f, msPerBatch: (base.msPerBatch ?? 0) * f, msPerElement: (base.msPerElement ?? 0) * f };
  const typical = rows.filter((r) => Math.abs(Math.log(workMs(r, scaled) / r.ms)) <= Math.LN2);
  // the terms the recorded constants have (a prior is relative to them)
  const terms = SPEED_TERMS.filter((t) => coefficient(base, t) > 0);
  const fit = fitSpeed(typical, terms, { speed: base, spread: PRIOR_SPREAD });
  return { speed: fit && Number.isFinite(fit.flopsPerMs) ? fit : scaled, runs: rows.length };
}
