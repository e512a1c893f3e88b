import crypto from "node:crypto";
import os from "node:os";
import { isProgramSweep, PROGRAM_SWEEP_HOLDER, sweepToObject, type SweepConfig } from "../../sweeps/config";
import { projectOf } from "../../sweeps/logging-api";
import type { SweepState } from "../../sweeps/states";
import { getRun, createRun, requestStop, requestStopForSweep, stopQueuedRuns } from "./runs";
import type { RunRecord, SweepRecord } from "./records";
import { createSweep, getSweep, setSweepState } from "./sweeps";

// State changes a person asks for (API, CLI): pause, resume, cancel a sweep, re-run a run.
// The executor notices them through the database: a paused sweep's runs are not claimed, a
// cancelled sweep's running runs carry a stop request.

export type ControlResult<T> = { ok: true; value: T } | { ok: false; status: 404 | 409; error: string };

const notFound = (what: string, id: string) => ({ ok: false, status: 404, error: `${what} ${id} not found` }) as const;
const conflict = (error: string) => ({ ok: false, status: 409, error }) as const;

/**
 * Store a validated sweep; executors pick it up from the database. The stored config carries
 * the sweep seed (drawn now when the config has none), so the proposals can be replayed.
 */
export async function launchSweep(config: SweepConfig, rawConfig: string, options: { concurrency?: number; heldBy?: string | null } = {}): Promise<SweepRecord> {
  const seed = config.seed ?? crypto.randomInt(0, 2 ** 31 - 1);
  const concurrency = config.concurrency ?? options.concurrency ?? os.cpus().length;
  return createSweep({
    name: config.name,
    config: sweepToObject({ ...config, seed }),
    rawConfig,
    method: config.method,
    // (a program's sweep may name no metric, as in W&B: stored as "", SweepRecord.metricName)
    metricName: config.metric?.name ?? "",
    metricGoal: config.metric?.goal ?? "minimize",
    concurrency,
    seed,
    runCap: config.run_cap ?? null,
    // a program's sweep is never run by a server's pool: only by hosts told its id (agents, the sweep CLI)
    heldBy: options.heldBy ?? (isProgramSweep(config) ? PROGRAM_SWEEP_HOLDER : null),
    project: projectOf(config as unknown as Record<string, unknown>),
  });
}

async function transition(id: string, to: SweepState, from: SweepState[], verb: string, reason: string | null): Promise<ControlResult<SweepRecord>> {
  const sweep = await getSweep(id);
  if (!sweep) return notFound("sweep", id);
  if (sweep.state === to) return { ok: true, value: sweep };
  const changed = await setSweepState(id, to, { from, reason });
  if (!changed) return conflict(`cannot ${verb} sweep ${id}: it is ${(await getSweep(id))?.state ?? sweep.state} (only a ${from.join(" or ")} sweep can be ${to === "running" ? "resumed" : to})`);
  return { ok: true, value: changed };
}

/** Pause: no new runs are launched; running ones go on to their end (as W&B does). */
export function pauseSweep(id: string): Promise<ControlResult<SweepRecord>> {
  return transition(id, "paused", ["running"], "pause", "paused by user");
}

export function resumeSweep(id: string): Promise<ControlResult<SweepRecord>> {
  return transition(id, "running", ["paused"], "resume", null);
}

/** Cancel: queued runs end `stopped` at once, running ones are asked to stop. */
export async function cancelSweep(id: string): Promise<ControlResult<SweepRecord>> {
  const result = await transition(id, "cancelled", ["running", "paused"], "cancel", "cancelled by user");
  if (!result.ok) return result;
  await stopQueuedRuns(id);
  await requestStopForSweep(id);
  return { ok: true, value: (await getSweep(id))! };
}

/** Stop one run: a queued run ends at once, a running one is SIGTERMed by its executor. */
export async function stopRun(id: string): Promise<ControlResult<RunRecord>> {
  const run = await getRun(id);
  if (!run) return notFound("run", id);
  if (run.state !== "queued" && run.state !== "running") return conflict(`run ${id} has already ended (${run.state})`);
  return { ok: true, value: (await requestStop(id))! };
}

/**
 * Re-run: a new queued run with the same config (so the same seed) and index, pointing back
 * at the original. It runs even if its sweep has ended (only a paused sweep holds it back).
 */
export async function rerunRun(id: string): Promise<ControlResult<RunRecord>> {
  const run = await getRun(id);
  if (!run) return notFound("run", id);
  if (run.state === "queued" || run.state === "running") return conflict(`run ${id} is ${run.state}; re-run it after it ends`);
  // (the server trains the engine; a program runs where its agent or its user starts it)
  if (run.kind === "program") return conflict(`run ${id} is a run of your own program: run the program again (or its sweep's agent); the server only re-runs the engine's runs`);
  const copy = await createRun({ sweepId: run.sweepId, index: run.index, config: run.config, params: run.params, rerunOf: run.id });
  return { ok: true, value: copy };
}
