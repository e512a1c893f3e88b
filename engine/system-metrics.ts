// System metrics of a run, beside the training ones (W&B logs these for every run): the
// worker's CPU share, its resident memory, and the wall time per training step. The worker
// (the only file that touches `process`) takes a ProcessSample at each training log line; the
// metrics are the differences between two samples.

export interface ProcessSample {
  /** Wall clock (ms) and the step reached then. */
  wallMs: number;
  step: number;
  /** CPU time of the process, user + system (µs): process.cpuUsage(), every thread of it. */
  cpuMicros: number;
  /** Resident set size (bytes): process.memoryUsage.rss(). */
  rssBytes: number;
}

export const SYSTEM_METRICS = ["system/cpu_percent", "system/rss_mb", "system/step_ms"] as const;
/**
 * Summary only, written by the executor at a run's end: spawn → first message of the worker
 * started for the run (ms), 0 when a waiting worker took it (sweeps/launcher.ts reuse).
 */
export const SPAWN_SUMMARY_KEY = "system/spawn_ms";
export const isSystemMetric = (name: string): boolean => name.startsWith("system/");

const round = (x: number, digits: number) => Number(x.toFixed(digits));

/**
 * Between two samples: CPU time over wall time in percent of one core (above 100 when a second
 * thread computes too, as `top` counts), resident memory in MiB, and milliseconds of wall time
 * per step (evaluations and samples between the two included, as the user waits for them).
 * Null when no step or no time passed.
 */
export function systemMetrics(prev: ProcessSample, now: ProcessSample): Record<(typeof SYSTEM_METRICS)[number], number> | null {
  const wallMs = now.wallMs - prev.wallMs;
  const steps = now.step - prev.step;
  if (wallMs <= 0 || steps <= 0) return null;
  return {
    "system/cpu_percent": round((100 * (now.cpuMicros - prev.cpuMicros)) / 1000 / wallMs, 1),
    "system/rss_mb": round(now.rssBytes / 2 ** 20, 1),
    "system/step_ms": round(wallMs / steps, 3),
  };
}
