import type { WorkerInput } from "../../engine/protocol";
import type { RunEventBatch } from "../ingest";
import type { RunState, SweepState } from "../states";
import type { StoredSummary, Summary } from "../summary";

// The executor's vocabulary. A Runner (the local pool of worker processes, or a remote agent)
// talks to a RunQueue: claim a run, report what its workers wrote, finish a run — or release
// it, when the run was interrupted (its host stopped): it goes back to the queue and resumes
// from its last checkpoint. The Coordinator implements RunQueue on top of a SweepStore (the
// database) and the sweep's search and stopping rules; the agent implements it over HTTP
// against the server's Coordinator.

/** What a run logged since the last report: numbered batches (sweeps/ingest.ts), appended in one transaction. */
export type RunEvents = RunEventBatch;

/** A claimed run, as much as a worker host needs to start it. */
export interface ClaimedRun {
  id: string;
  name: string;
  sweepId: string | null;
  index: number;
  /** A RunConfig (validated again by the worker). */
  config: Record<string, unknown>;
  /** The sequence number of the run's last stored batch: the host numbers its batches after it. */
  seq?: number;
  /** Times the run was interrupted before: > 0, it resumes (from checkpointStep, or from the start). */
  interruptions?: number;
  /** The step of the run's last checkpoint whose events are all stored, if any. */
  checkpointStep?: number | null;
  /** A fork of another run: it starts from the checkpoint (of checkpointStep) it was given, not from step 0. */
  forkOf?: string | null;
  /**
   * The sweep's metric when its early termination decides on it: the host reports each value of
   * it at once, not at its next flush, since the answer may order the run to stop.
   */
  pruneMetric?: string | null;
}

export type EndState = Exclude<RunState, "queued" | "running">;

export interface RunOutcome {
  state: EndState;
  summary?: Summary;
  error?: string | null;
  divergedAt?: number | null;
  lastStep?: number;
  /** When it ended, if before now: a client's own end (an offline run synced later). */
  finishedAt?: Date;
}

/** Why the queue wants a run to stop: a person asked (`stopped`) or early termination (`pruned`). */
export type StopReason = "stopped" | "pruned";

export interface Report {
  events: RunEvents[];
  /** Runs whose worker is alive and talking: their heartbeat is refreshed. */
  alive: string[];
}

export interface RunQueue {
  claim(owner: string, options?: { sweepId?: string }): Promise<ClaimedRun | null>;
  /** Record the worker's pid (for recovery after a crash of the host). */
  started(owner: string, runId: string, pid: number | null): Promise<void>;
  /** Append events, refresh heartbeats; answers which of the owner's runs must stop. */
  report(owner: string, report: Report): Promise<Record<string, StopReason>>;
  finish(owner: string, runId: string, outcome: RunOutcome): Promise<void>;
  /** The run was interrupted, not ended (its host is stopping): back to the queue, to resume from its last checkpoint. */
  release(owner: string, runId: string, reason: string): Promise<void>;
}

/**
 * Where a host's workers keep checkpoints. A checkpoint a worker writes is pending until every
 * event the run logged up to its step is stored (the report that says so was answered); then
 * it is committed and becomes the one the run resumes from. (Local files now; a store every
 * server can reach once servers share a database.)
 */
export interface PreparedCheckpoint {
  input: Omit<WorkerInput, "config">;
  resumeStep: number | null;
}

export interface CheckpointStore {
  /** WorkerInput fields for a run's worker, and the step of the checkpoint it resumes from (null: it starts at step 0). */
  prepare(run: ClaimedRun): PreparedCheckpoint | Promise<PreparedCheckpoint>;
  /** Every event up to `step` is stored: the worker's checkpoint of that step, at `path`, is the run's to resume from. */
  commit(run: ClaimedRun, step: number, path: string): void;
  /** Once every checkpoint committed so far (of `runId`, or of every run) is kept where other hosts find it, or `timeoutMs` passed. */
  settled?(timeoutMs: number, runId?: string): Promise<void>;
}

// ---- what the Coordinator needs from the database ----

export interface SweepInfo {
  id: string;
  name: string;
  state: SweepState;
  /** The normalised SweepConfig as stored. */
  config: Record<string, unknown>;
  metricName: string;
  metricGoal: "minimize" | "maximize";
  concurrency: number;
  seed: number;
  runCap: number | null;
  /** How many run indices were reserved so far. */
  proposed: number;
  createdAt: string;
  /** The one executor that runs it (the `npm run sweep` that launched it), or null: any. Executors told the sweep's id run it too. */
  heldBy: string | null;
}

/** A run as the search, the stopping rule and the failure guard see it. */
export interface TrialInfo {
  id: string;
  name: string;
  sweepId: string | null;
  index: number;
  state: RunState;
  config: Record<string, unknown>;
  params: Record<string, unknown>;
  summary: StoredSummary;
  error: string | null;
  claimedBy: string | null;
  pid: number | null;
  rerunOf: string | null;
  createdAt: string;
  finishedAt: string | null;
  lastStep: number;
  ingestSeq: number;
  checkpointStep: number | null;
  interruptions: number;
  forkOf?: string | null;
}

export interface MetricPoint {
  runId: string;
  step: number;
  value: number | null;
  /** Where the point sits in the order points were stored (increasing; not consecutive). */
  seq: number;
}

export interface SweepStore {
  getSweep(id: string): Promise<SweepInfo | null>;
  runningSweeps(): Promise<SweepInfo[]>;
  setSweepState(id: string, state: SweepState, options: { reason?: string | null; from?: SweepState[] }): Promise<SweepInfo | null>;
  reserveRunIndex(sweepId: string): Promise<number>;
  /** Decide the sweep's next run as its only controller at this moment, across every process on the database. */
  asSweepController<T>(sweepId: string, decide: () => Promise<T>): Promise<T>;
  createRun(input: { sweepId: string; index: number; config: Record<string, unknown>; params: Record<string, unknown>; kind?: "engine" | "program"; project?: string }): Promise<TrialInfo>;
  /** Claim the oldest queued run of a running sweep (or a queued re-run in it). Atomic. */
  claimRun(owner: string, sweepId: string): Promise<TrialInfo | null>;
  /** Claim a queued run that belongs to no running/paused sweep (a standalone run, a re-run in an ended sweep). */
  claimLooseRun(owner: string): Promise<TrialInfo | null>;
  setRunPid(runId: string, pid: number | null): Promise<void>;
  /** Append numbered batches (skipping those stored before); the runs named that do not exist. */
  appendRunEvents(events: RunEvents[]): Promise<{ unknownRuns: string[] }>;
  heartbeat(runIds: string[]): Promise<void>;
  runsToStop(owner: string): Promise<string[]>;
  /** End a run; null when it had already ended (the first outcome wins). */
  finishRun(runId: string, outcome: RunOutcome): Promise<TrialInfo | null>;
  sweepTrials(sweepId: string): Promise<TrialInfo[]>;
  countRuns(sweepId: string, states: RunState[]): Promise<number>;
  stopQueuedRuns(sweepId: string): Promise<number>;
  requestStopForSweep(sweepId: string): Promise<number>;
  /** Running runs of every sweep (who claimed them, their worker pid). */
  runningRuns(): Promise<TrialInfo[]>;
  crashRuns(runIds: string[], reason: string): Promise<TrialInfo[]>;
  /**
   * Put interrupted running runs back in the queue, to resume from their last checkpoint (a log
   * line says so). A run with a stop request ends `stopped` instead, and one interrupted more
   * than `maxInterruptions` times `crashed`. Returns the runs changed, in their new state.
   */
  requeueRuns(runIds: string[], reason: string, options: { maxInterruptions: number }): Promise<TrialInfo[]>;
  /** Running runs whose heartbeat is older than `olderThanMs`. */
  staleRuns(olderThanMs: number): Promise<TrialInfo[]>;
  /** The points of one metric of a sweep's runs stored after `afterSeq` (0: all), in the order they were stored. */
  metricPointsSince(sweepId: string, metric: string, afterSeq: number): Promise<MetricPoint[]>;
}
