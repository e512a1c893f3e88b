import os from "node:os";
import { EXIT, type DoneEvent, type WorkerInput, type WorkerMessage } from "../../engine/protocol";
import { batchWeight, REPORT_MAX_POINTS, sealBatches, type Event } from "../ingest";
import type { Launcher, WorkerExit, WorkerHandle } from "../launcher";
import type { CheckpointStore, ClaimedRun, PreparedCheckpoint, RunEvents, RunOutcome, RunQueue, StopReason } from "./types";
import { BUILTIN_CORPUS_NAME, corpusNameProblem } from "../../engine/corpus/names";
import { SPAWN_SUMMARY_KEY } from "../../engine/system-metrics";

// The Runner keeps `concurrency` worker processes busy: it claims runs from a RunQueue,
// launches a worker for each, batches what the workers write into reports, carries out the
// stops the queue orders (SIGTERM, SIGKILL after a grace period), kills workers that went
// silent, and turns each worker's end into a run outcome. The same class runs in the server,
// in the sweep CLI and in a remote agent; only the queue differs.
//
// Silence: a worker writes a line at least once a second between two pieces of work, and
// announces how long one piece may take (heartbeat stepMs: about one training step, several
// seconds for a large model). It is taken for hung — killed, its run crashed — when it has
// written nothing for silenceTimeoutMs plus STEP_ALLOWANCE times that: a slow but healthy run
// survives, a hung worker is found within a bound its own measured steps set.
//
// Nothing a worker wrote is dropped because the queue cannot take it right now (a full disk, a
// busy database, a server out of reach): a run's events are sealed into numbered batches
// (sweeps/ingest.ts) that are sent, unchanged, until the queue stores them — a resend of a batch
// it stored already is a no-op — at most REPORT_MAX_POINTS per report. A run's end (finish or
// release) is recorded after its last batch, and retried likewise; its slot stays taken until
// then. A checkpoint the worker wrote is committed (CheckpointStore) once the batch that
// announced it is stored, so a run resumes only from a step whose events are all stored.
//
// Interruptions: a run whose worker is stopped because this host stops (shutdown({ interrupt })),
// or by a signal from outside (a Ctrl-C in the terminal reaches every process), has not ended:
// it is released to the queue, which resumes it from its last checkpoint.

/** How many announced step times (heartbeat stepMs) of silence are allowed on top of silenceTimeoutMs. */
export const STEP_ALLOWANCE = 3;

/** How long a worker that announced steps of `stepMs` may stay silent before it is killed (ms). */
export function silenceLimitMs(silenceTimeoutMs: number, stepMs: number): number {
  return silenceTimeoutMs + STEP_ALLOWANCE * stepMs;
}

/** A worker that has not written its first line yet gets at least this long (ms): starting a process on a busy machine takes seconds. */
const STARTUP_GRACE_MS = 5000;

/** Longest wait between two attempts at a report or a run's end that failed (ms). */
const MAX_RETRY_MS = 5000;
/** A failing queue is logged at most this often (ms). */
const FAILURE_LOG_MS = 30_000;
/**
 * While the queue fails, at most this many points are held (a few hundred MB): beyond, the runs
 * in progress are interrupted — they checkpoint and stop, and resume once storing works again —
 * so that a long outage does not grow this process without bound.
 */
export const MAX_HELD_POINTS = 2_000_000;

export interface RunnerOptions {
  queue: RunQueue;
  launcher: Launcher;
  owner: string;
  /** Worker processes at once; default the number of cores. */
  concurrency?: number;
  /** Only runs of this sweep. */
  sweepId?: string;
  /** Claim at most this many runs in all, then claim no more (an agent's --count, as `wandb agent --count`). */
  maxRuns?: number;
  /** How often to look for work when a slot is free (ms). */
  pollMs?: number;
  /** How often buffered events are reported (ms), and the buffered points that force a report. */
  flushMs?: number;
  flushPoints?: number;
  /** The most points in one report (default REPORT_MAX_POINTS). */
  reportMaxPoints?: number;
  /** While the queue fails, interrupt the runs in progress once this many points are held (default MAX_HELD_POINTS). */
  maxHeldPoints?: number;
  /**
   * A worker that writes nothing for this long — plus STEP_ALLOWANCE × the step time it
   * announced — is killed and its run crashed (ms; default 8000).
   */
  silenceTimeoutMs?: number;
  /** After SIGTERM, SIGKILL if the worker has not exited within this (ms), plus STEP_ALLOWANCE × its announced step time. */
  stopGraceMs?: number;
  /** Where workers write checkpoints, and which a resumed run starts from; none = no checkpoints. */
  checkpoints?: CheckpointStore;
  /** Extra WorkerInput fields per run (threads, a checkpoint to start from). */
  workerInput?: (run: ClaimedRun) => Omit<WorkerInput, "config">;
  /**
   * Release interrupted runs to the queue, to resume (default). false: an interrupted run ends
   * `stopped` (a run trained for a terminal, which nothing else would resume).
   */
  release?: boolean;
  /**
   * The text of a corpus by name (the database's registry, or the server's for an agent). A
   * charlm run naming a corpus other than builtin gets its text in the WorkerInput; without
   * this, or when it throws, the run fails before a worker starts. Paths are never read.
   */
  corpusText?: (name: string) => Promise<string>;
  /** Called for every worker message and every run end (progress displays). */
  onEvent?: (event: RunnerEvent) => void;
  log?: (message: string) => void;
}

export type RunnerEvent =
  | { type: "started"; run: ClaimedRun; pid: number | undefined }
  | { type: "message"; run: ClaimedRun; message: WorkerMessage; latencyMs: number }
  | { type: "ended"; run: ClaimedRun; outcome: RunOutcome }
  | { type: "released"; run: ClaimedRun; reason: string };

/** Why a worker is asked to stop: the queue's order, or this host stopping. */
type StopCause = StopReason | "interrupted";

/** What to record once a run's worker has exited and its batches are stored. */
type Ending = { kind: "finish"; outcome: RunOutcome } | { kind: "release"; reason: string };

interface Active {
  run: ClaimedRun;
  worker: WorkerHandle;
  lastHeard: number;
  /** The worker's last announced step time (ms; heartbeat stepMs), 0 until it announces one. */
  stepMs: number;
  /** Whether the worker has written anything yet. */
  heard: boolean;
  /**
   * Spawn → first message of a worker started for this run (ms), 0 when a waiting worker took it
   * (summary SPAWN_SUMMARY_KEY: the run-time calibration prices a spawn apart); null until heard, or
   * when the launcher does not say.
   */
  spawnMs: number | null;
  stopReason: StopCause | null;
  killTimer: NodeJS.Timeout | null;
  silenceKilled: boolean;
  done: DoneEvent | null;
  error: string | null;
  lastStep: number;
  /** Events not in a batch yet, in the order the worker wrote them. */
  events: Event[];
  pendingPoints: number;
  /** Sealed batches not stored yet, in order; resent unchanged. */
  outbox: RunEvents[];
  /** The last sequence number given to a batch of this run. */
  seq: number;
  /** The step the run resumed from, for its first batch (the queue drops what it had logged after it). */
  resumedFrom: number | undefined;
  /** Checkpoints announced and not committed yet: step → path. */
  checkpointPaths: Map<number, string>;
  /** Set when the worker has exited. */
  ending: Ending | null;
  /** Why this run was interrupted (stopReason "interrupted"). */
  interruptReason: string | null;
}

export class Runner {
  readonly owner: string;
  private readonly queue: RunQueue;
  private readonly launcher: Launcher;
  private readonly concurrency: number;
  private readonly sweepId: string | undefined;
  private readonly pollMs: number;
  private readonly flushMs: number;
  private readonly flushPoints: number;
  private readonly reportMaxPoints: number;
  private readonly maxHeldPoints: number;
  private readonly silenceTimeoutMs: number;
  private readonly stopGraceMs: number;
  private readonly options: RunnerOptions;
  /** Runs with a worker, and runs whose worker has exited but whose end is not recorded yet. */
  private readonly active = new Map<string, Active>();
  private readonly log: (message: string) => void;
  private timers: NodeJS.Timeout[] = [];
  private filling: Promise<void> | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private draining = false;
  private running = false;
  private idleWaiters: (() => void)[] = [];
  /** False once the queue said there is nothing to claim and no run is active. */
  private lastClaimEmpty = false;
  /** Runs claimed so far, against options.maxRuns. */
  private claimedRuns = 0;
  /** When checkSilence last ran (ms). */
  private lastSilenceCheck = 0;
  /** The queue failing: since when, until when not to try again, and when it was last logged. */
  private failing: { since: number; retryAt: number; delay: number; loggedAt: number } | null = null;

  constructor(options: RunnerOptions) {
    this.options = options;
    this.owner = options.owner;
    this.queue = options.queue;
    this.launcher = options.launcher;
    this.concurrency = Math.max(0, options.concurrency ?? os.cpus().length); // 0: claims nothing (agents only)
    this.sweepId = options.sweepId;
    this.pollMs = options.pollMs ?? 500;
    this.flushMs = options.flushMs ?? 250;
    this.flushPoints = options.flushPoints ?? 500;
    this.reportMaxPoints = options.reportMaxPoints ?? REPORT_MAX_POINTS;
    this.maxHeldPoints = options.maxHeldPoints ?? MAX_HELD_POINTS;
    this.silenceTimeoutMs = options.silenceTimeoutMs ?? 8000; // the engine beats every second: a hung worker of a fast run is found within 10 s
    this.stopGraceMs = options.stopGraceMs ?? 10_000;
    this.log = options.log ?? (() => {});
  }

  /** Runs this runner holds: training, or ended and waiting for their end to be recorded. */
  get activeCount(): number {
    return this.active.size;
  }

  activeRunIds(): string[] {
    return [...this.active.keys()];
  }

  /** Events and batches held because the queue has not stored them yet (points). */
  get heldPoints(): number {
    let n = 0;
    for (const e of this.active.values()) n += e.pendingPoints + e.outbox.reduce((sum, b) => sum + batchWeight(b), 0);
    return n;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.timers.push(setInterval(() => void this.fill(), this.pollMs));
    this.timers.push(setInterval(() => void this.flush(), this.flushMs));
    this.lastSilenceCheck = Date.now();
    this.timers.push(setInterval(() => this.checkSilence(), this.silenceCheckMs));
    void this.fill();
  }

  /** Claim runs until every slot is busy or the queue is empty. */
  fill(): Promise<void> {
    if (!this.running || this.draining || this.active.size >= this.concurrency) return this.filling ?? Promise.resolve();
    if (this.filling) return this.filling;
    const filling = (async () => {
      await Promise.resolve(); // so that `this.filling` is set before the finally below runs
      try {
        while (this.running && !this.draining && this.active.size < this.concurrency && !this.exhausted) {
          const run = await this.queue.claim(this.owner, { sweepId: this.sweepId });
          if (!run) {
            this.lastClaimEmpty = true;
            break;
          }
          this.lastClaimEmpty = false;
          this.claimedRuns++;
          await this.launch(run);
        }
      } catch (error) {
        this.log(`cannot claim a run: ${(error as Error).message}`);
      } finally {
        this.filling = null;
        this.notifyIdle();
      }
    })();
    this.filling = filling;
    return filling;
  }

  /** The corpus text a run's worker needs (undefined: none), resolved by name; throws why not. */
  private async corpusFor(config: Record<string, unknown>): Promise<string | undefined> {
    const task = config.task ?? "charlm", corpus = config.corpus ?? BUILTIN_CORPUS_NAME;
    if (task !== "charlm" || corpus === BUILTIN_CORPUS_NAME) return undefined;
    if (typeof corpus !== "string") throw new Error("corpus: must be a name");
    const bad = corpusNameProblem(corpus);
    if (bad) throw new Error(`corpus: ${bad}`);
    if (!this.options.corpusText) throw new Error(`corpus: "${corpus}" cannot be resolved by this executor (only builtin)`);
    return this.options.corpusText(corpus);
  }

  /** A claimed run that cannot start (its corpus): it fails at once, no worker. */
  private async refuse(run: ClaimedRun, error: string): Promise<void> {
    const outcome: RunOutcome = { state: "failed", lastStep: 0, error: `failed: ${error}` };
    try {
      await this.queue.finish(this.owner, run.id, outcome);
    } catch (e) {
      this.log(`cannot record the end of run ${run.id}: ${(e as Error).message}`);
    }
    this.options.onEvent?.({ type: "ended", run, outcome });
  }

  private async launch(run: ClaimedRun): Promise<void> {
    let prepared: PreparedCheckpoint = { input: {}, resumeStep: null };
    try {
      if (this.options.checkpoints) prepared = await this.options.checkpoints.prepare(run);
    } catch (error) {
      this.log(`run ${run.id}: no checkpoints (${(error as Error).message})`);
    }
    const extra = this.options.workerInput?.(run) ?? {};
    let corpusText: string | undefined;
    try {
      corpusText = await this.corpusFor(run.config);
    } catch (error) {
      return this.refuse(run, (error as Error).message);
    }
    const input = { ...prepared.input, ...extra, config: run.config, ...(corpusText === undefined ? {} : { corpusText }) } as WorkerInput;
    let entry: Active | undefined;
    const onMessage = (message: WorkerMessage) => {
      if (entry) this.onMessage(entry, message);
    };
    const worker = this.launcher.launch(input, onMessage, run);
    entry = {
      run,
      worker,
      lastHeard: Date.now(),
      stepMs: 0,
      heard: false,
      spawnMs: null,
      stopReason: null,
      killTimer: null,
      silenceKilled: false,
      done: null,
      error: null,
      lastStep: 0,
      events: [],
      pendingPoints: 0,
      outbox: [],
      seq: run.seq ?? 0,
      // a run interrupted before goes on from its checkpoint (or from the start): what it logged after that goes
      resumedFrom: (run.interruptions ?? 0) > 0 ? (prepared.resumeStep ?? 0) : undefined,
      checkpointPaths: new Map(),
      ending: null,
      interruptReason: null,
    };
    this.active.set(run.id, entry);
    this.options.onEvent?.({ type: "started", run, pid: worker.pid });
    void worker.exited.then((exit) => this.onExit(entry!, exit));
    try {
      await this.queue.started(this.owner, run.id, worker.pid ?? null);
    } catch (error) {
      this.log(`cannot record the pid of run ${run.id}: ${(error as Error).message}`);
    }
  }

  private onMessage(entry: Active, message: WorkerMessage): void {
    const now = Date.now();
    this.options.onEvent?.({ type: "message", run: entry.run, message, latencyMs: now - entry.worker.spawnedAt });
    entry.lastHeard = now;
    if (!entry.heard && entry.worker.spawned !== undefined) entry.spawnMs = entry.worker.spawned ? Math.max(1, now - entry.worker.spawnedAt) : 0;
    entry.heard = true;
    const { type, ...body } = message;
    const push = (event: Event, points: number) => {
      entry.events.push(event);
      entry.pendingPoints += points;
    };
    switch (message.type) {
      case "metric":
        push({ kind: "metric", body: body as Extract<Event, { kind: "metric" }>["body"] }, Object.keys(message.values).length);
        entry.lastStep = Math.max(entry.lastStep, message.step);
        // a value early termination decides on: reported at once, so a stop order comes before more training
        if (entry.run.pruneMetric && entry.run.pruneMetric in message.values) this.flushSoon();
        break;
      case "sample":
        push({ kind: "sample", body: body as Extract<Event, { kind: "sample" }>["body"] }, 1);
        break;
      case "log":
        push({ kind: "log", body: body as Extract<Event, { kind: "log" }>["body"] }, 1);
        break;
      case "diagnostic":
        push({ kind: "diagnostic", body: body as Extract<Event, { kind: "diagnostic" }>["body"] }, 10);
        break;
      case "checkpoint":
        push({ kind: "checkpoint", step: message.step }, 0);
        entry.checkpointPaths.set(message.step, message.path);
        break;
      case "heartbeat":
        entry.lastStep = Math.max(entry.lastStep, message.step);
        if (message.stepMs !== undefined) entry.stepMs = message.stepMs;
        break;
      case "done":
        entry.done = message;
        break;
      case "error":
        entry.error = message.message;
        push({ kind: "log", body: { level: "error", message: message.message } }, 1);
        break;
    }
    void type;
    if (entry.pendingPoints >= this.flushPoints) void this.flush();
  }

  /** A flush asked for by flushSoon is waiting (behind the one in progress, if any). */
  private soonWaiting = false;

  /** A flush as soon as the one in progress is done: one, however many messages ask meanwhile. */
  private flushSoon(): void {
    if (this.soonWaiting) return;
    this.soonWaiting = true;
    setImmediate(() => {
      this.flushing = this.flushing
        .then(() => {
          this.soonWaiting = false;
          return this.flushNow();
        })
        .catch((error: Error) => this.log(`cannot report: ${error.message}`));
    });
  }

  /** Report everything held and record the ends of exited runs (one flush at a time, in order). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushNow()).catch((error: Error) => this.log(`cannot report: ${error.message}`));
    return this.flushing;
  }

  /** Seal each run's new events into numbered batches. */
  private seal(entry: Active): void {
    if (entry.events.length === 0 && entry.resumedFrom === undefined) return;
    const batches = sealBatches(entry.run.id, entry.events, entry.seq + 1, { resumedFrom: entry.resumedFrom, maxPoints: this.reportMaxPoints });
    entry.seq += batches.length;
    entry.outbox.push(...batches);
    entry.events = [];
    entry.pendingPoints = 0;
    entry.resumedFrom = undefined;
  }

  private async flushNow(force = false): Promise<void> {
    for (const entry of this.active.values()) this.seal(entry);
    if (!force && this.failing && Date.now() < this.failing.retryAt) return;
    // reports of at most reportMaxPoints, until everything held is stored or the queue fails
    for (let first = true; ; first = false) {
      const { events, sent } = this.nextReport();
      const alive = [...this.active.values()].filter((e) => !e.silenceKilled && e.ending === null).map((e) => e.run.id);
      if (events.length === 0 && (!first || alive.length === 0)) break;
      let orders: Record<string, StopReason>;
      try {
        orders = await this.queue.report(this.owner, { events, alive });
      } catch (error) {
        if (isPermanent(error)) {
          // the queue will never take these (a bug on one side): keep the rest going
          for (const [entry, count] of sent) entry.outbox.splice(0, count);
          this.log(`dropped ${events.length} batch${events.length === 1 ? "" : "es"} the queue refused: ${(error as Error).message}`);
          continue;
        }
        this.failed(error as Error);
        return;
      }
      this.recovered();
      for (const [entry, count] of sent) this.stored(entry, entry.outbox.splice(0, count));
      for (const [runId, reason] of Object.entries(orders)) this.stop(runId, reason);
      if (events.length === 0) break;
    }
    await this.recordEndings();
  }

  /** The next report: each run's oldest batches, in order, up to reportMaxPoints in all (at least one batch). */
  private nextReport(): { events: RunEvents[]; sent: [Active, number][] } {
    const events: RunEvents[] = [];
    const sent: [Active, number][] = [];
    let weight = 0;
    for (const entry of this.active.values()) {
      let count = 0;
      for (const batch of entry.outbox) {
        const w = batchWeight(batch);
        if (events.length > 0 && weight + w > this.reportMaxPoints) break;
        events.push(batch);
        weight += w;
        count++;
      }
      if (count > 0) sent.push([entry, count]);
    }
    return { events, sent };
  }

  /** Batches of a run are stored: the checkpoints they announced are the run's to resume from. */
  private stored(entry: Active, batches: RunEvents[]): void {
    const step = batches.reduce<number | undefined>((last, b) => b.checkpoint ?? last, undefined);
    if (step === undefined) return;
    const path = entry.checkpointPaths.get(step);
    for (const s of entry.checkpointPaths.keys()) if (s <= step) entry.checkpointPaths.delete(s);
    if (!path || !this.options.checkpoints) return;
    try {
      this.options.checkpoints.commit(entry.run, step, path);
    } catch (error) {
      this.log(`run ${entry.run.id}: cannot commit its checkpoint at step ${step}: ${(error as Error).message}`);
    }
  }

  /** Record the end of every run whose worker has exited and whose batches are all stored. */
  private async recordEndings(): Promise<void> {
    for (const entry of [...this.active.values()]) {
      if (!entry.ending || entry.outbox.length > 0 || entry.events.length > 0) continue;
      if (this.failing && Date.now() < this.failing.retryAt) return;
      const ending = entry.ending;
      // its last checkpoint kept where other hosts find it first: whoever resumes it (or opens it) gets that one
      await this.options.checkpoints?.settled?.(30_000, entry.run.id);
      try {
        if (ending.kind === "finish") await this.queue.finish(this.owner, entry.run.id, ending.outcome);
        else await this.queue.release(this.owner, entry.run.id, ending.reason);
      } catch (error) {
        if (!isPermanent(error)) {
          this.failed(error as Error, `cannot record the end of run ${entry.run.id}`);
          return;
        }
        this.log(`cannot record the end of run ${entry.run.id}: ${(error as Error).message}`);
      }
      this.recovered();
      this.active.delete(entry.run.id);
      if (ending.kind === "finish") this.options.onEvent?.({ type: "ended", run: entry.run, outcome: ending.outcome });
      else this.options.onEvent?.({ type: "released", run: entry.run, reason: ending.reason });
      this.notifyIdle();
      void this.fill();
    }
  }

  /** The queue failed: keep everything, try again later (waiting longer each time), say so now and then. */
  private failed(error: Error, what = "cannot store reports"): void {
    const now = Date.now();
    const f = (this.failing ??= { since: now, retryAt: now, delay: this.flushMs, loggedAt: 0 });
    f.delay = Math.min(MAX_RETRY_MS, f.delay * 2);
    f.retryAt = now + f.delay;
    const held = this.heldPoints;
    if (now - f.loggedAt >= FAILURE_LOG_MS) {
      f.loggedAt = now;
      this.log(`${what}: ${error.message} — ${held} points kept in memory, retrying`);
    }
    if (held > this.maxHeldPoints) {
      const live = [...this.active.values()].filter((e) => !e.ending && !e.stopReason);
      if (live.length > 0) this.log(`${held} points held: interrupting ${live.length} run${live.length === 1 ? "" : "s"} until storing works again`);
      for (const e of live) this.stop(e.run.id, "interrupted", this.stopGraceMs, `its points could not be stored (${error.message})`);
    }
  }

  private recovered(): void {
    if (!this.failing) return;
    this.log(`storing again after ${Math.round((Date.now() - this.failing.since) / 1000)} s; nothing was lost`);
    this.failing = null;
  }

  /** SIGTERM a run's worker (SIGKILL after the grace period); its run ends as `reason`, or is released when interrupted (`why`). */
  stop(runId: string, reason: StopCause, graceMs = this.stopGraceMs, why = "its host stopped"): void {
    const entry = this.active.get(runId);
    if (!entry || entry.stopReason || entry.ending) return;
    entry.stopReason = reason;
    if (reason === "interrupted") entry.interruptReason = why;
    entry.worker.terminate();
    // (the worker stops at its next step boundary: a long step is let finish)
    entry.killTimer = setTimeout(() => entry.worker.kill(), reason === "interrupted" ? graceMs : silenceLimitMs(graceMs, entry.stepMs));
  }

  private get silenceCheckMs(): number {
    return Math.min(1000, this.silenceTimeoutMs / 4);
  }

  private checkSilence(): void {
    const now = Date.now();
    // This process was stalled (its event loop blocked, or starved of CPU): the workers' lines
    // of that time are still waiting in their pipes, to be read after this timer. Silence that
    // overlaps our own stall is not theirs.
    const stalled = now - this.lastSilenceCheck - this.silenceCheckMs;
    this.lastSilenceCheck = now;
    if (stalled > 1000) for (const entry of this.active.values()) entry.lastHeard += stalled;
    for (const entry of this.active.values()) {
      const limit = silenceLimitMs(this.silenceTimeoutMs, entry.stepMs);
      if (entry.ending || entry.silenceKilled || now - entry.lastHeard <= (entry.heard ? limit : Math.max(limit, STARTUP_GRACE_MS))) continue;
      entry.silenceKilled = true;
      this.log(`run ${entry.run.id}: no message for ${Math.round((now - entry.lastHeard) / 1000)} s${stepNote(entry.stepMs)}, killing its worker`);
      entry.worker.kill();
    }
  }

  private onExit(entry: Active, exit: WorkerExit): void {
    if (entry.killTimer) clearTimeout(entry.killTimer);
    const interrupted = interruptionOf(entry, exit);
    entry.ending =
      interrupted && this.options.release !== false
        ? { kind: "release", reason: interrupted }
        : { kind: "finish", outcome: withSpawn(interrupted ? { state: "stopped", lastStep: Math.max(entry.lastStep, entry.done?.step ?? 0), summary: entry.done?.summary, error: null } : outcomeOf(entry, exit, this.silenceTimeoutMs), entry.spawnMs) };
    // The worker's last lines are reported before the run's end is recorded, so its data is complete.
    void this.flush();
  }

  private notifyIdle(): void {
    if (this.active.size === 0 && this.filling === null) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Resolves when no worker is running and the last claim found nothing to do. */
  /** It has claimed options.maxRuns runs: it claims no more. */
  get exhausted(): boolean {
    return this.claimedRuns >= (this.options.maxRuns ?? Infinity);
  }

  async untilIdle(): Promise<void> {
    for (;;) {
      if (this.active.size === 0 && this.filling === null && (this.lastClaimEmpty || this.exhausted)) return;
      await new Promise<void>((resolve) => {
        this.idleWaiters.push(resolve);
        setTimeout(resolve, this.pollMs);
      });
    }
  }

  /**
   * Stop claiming. With `stopWorkers`, SIGTERM every worker (runs end `stopped`); with
   * `interrupt`, SIGTERM every worker to checkpoint (SIGKILL after `graceMs`) and release its
   * run to the queue, to resume (`interrupt` says why, for the run's log). Then wait — at most
   * `deadlineMs` — until the runs' data and ends are stored. Without either, leave the workers
   * running (they die with the process and their runs are recovered by the next executor).
   */
  async shutdown(options: { stopWorkers?: boolean; interrupt?: string; graceMs?: number; deadlineMs?: number } = {}): Promise<void> {
    this.draining = true;
    const deadline = Date.now() + (options.deadlineMs ?? Infinity);
    if (options.stopWorkers || options.interrupt !== undefined) {
      for (const id of this.active.keys()) this.stop(id, options.interrupt !== undefined ? "interrupted" : "stopped", options.graceMs, options.interrupt);
      await Promise.all([...this.active.values()].map((e) => e.worker.exited));
    }
    await this.filling;
    await this.flush();
    // runs whose end is not stored yet: keep trying until the deadline
    while ((options.stopWorkers || options.interrupt !== undefined) && this.active.size > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, Math.min(100, Math.max(0, deadline - Date.now()))));
      this.flushing = this.flushing.then(() => this.flushNow(true)).catch((error: Error) => this.log(`cannot report: ${error.message}`));
      await this.flushing;
    }
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.running = false;
  }
}

/** Errors that retrying cannot fix (the queue refused the request): anything else is retried. */
function isPermanent(error: unknown): boolean {
  return (error as { permanent?: unknown })?.permanent === true;
}

/**
 * Why a run was interrupted rather than ended, or null: its worker was stopped because this
 * host stops, or by a signal nobody here sent (a Ctrl-C in the terminal reaches every process),
 * and did not finish, diverge or fail first.
 */
function interruptionOf(entry: Active, exit: WorkerExit): string | null {
  if (entry.error || entry.silenceKilled || (entry.done && entry.done.state !== "stopped")) return null;
  if (entry.stopReason === "interrupted") return entry.interruptReason ?? "its host stopped";
  const bySignal = exit.signal === "SIGTERM" || exit.signal === "SIGINT" || exit.signal === "SIGHUP";
  if (entry.stopReason === null && (entry.done?.state === "stopped" || bySignal)) return `its worker was stopped by a signal from outside${exit.signal ? ` (${exit.signal})` : ""}`;
  return null;
}

/** The outcome's summary with its worker's spawn time (SPAWN_SUMMARY_KEY), when both are known. */
function withSpawn(outcome: RunOutcome, spawnMs: number | null): RunOutcome {
  return outcome.summary && spawnMs !== null ? { ...outcome, summary: { ...outcome.summary, [SPAWN_SUMMARY_KEY]: spawnMs } } : outcome;
}

const signalText = (exit: WorkerExit) => (exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`);
const withTail = (message: string, exit: WorkerExit) => (exit.stderrTail ? `${message}\n${exit.stderrTail}` : message);

const stepNote = (stepMs: number) => (stepMs >= 1000 ? ` (its steps take up to ${Math.round(stepMs / 1000)} s)` : "");

/** How a run ended, from what its worker said and how its process exited. */
export function outcomeOf(
  entry: Pick<Active, "done" | "error" | "silenceKilled" | "lastStep"> & { stopReason: StopCause | null } & Partial<Pick<Active, "stepMs" | "heard" | "run">>,
  exit: WorkerExit,
  silenceTimeoutMs: number,
): RunOutcome {
  const { done } = entry;
  // A run whose worker completed it before a stop took effect ends as it ended (finished or
  // diverged), not as the stop: a short run pruned "at step 200 of 200" was not pruned.
  const steps = entry.run?.config.steps;
  if (done && entry.stopReason && (done.state !== "stopped" || (typeof steps === "number" && done.step >= steps)))
    return outcomeOf({ ...entry, stopReason: null, done: done.state === "stopped" ? { ...done, state: "finished", message: undefined } : done }, exit, silenceTimeoutMs);
  const lastStep = Math.max(entry.lastStep, done?.step ?? 0);
  const summary = done?.summary;
  if (entry.silenceKilled && !done) {
    const stepMs = entry.stepMs ?? 0, limit = silenceLimitMs(silenceTimeoutMs, stepMs);
    const silent = Math.round((entry.heard === false ? Math.max(limit, STARTUP_GRACE_MS) : limit) / 1000);
    return { state: "crashed", lastStep, error: withTail(`crashed: the worker wrote nothing for ${silent} s${stepNote(stepMs)} and was killed`, exit) };
  }
  // (SIGINT: a Ctrl-C in the CLI's terminal reached the worker before it could stop by itself)
  if (entry.stopReason && (done || exit.code === EXIT.stopped || exit.signal === "SIGTERM" || exit.signal === "SIGKILL" || exit.signal === "SIGINT")) {
    const state = entry.stopReason === "interrupted" ? "stopped" : entry.stopReason;
    return { state, lastStep, summary, error: state === "pruned" ? "pruned by early termination" : null };
  }
  if (done) {
    if (done.state === "diverged") return { state: "diverged", lastStep, summary, divergedAt: done.step, error: done.message ?? `diverged at step ${done.step}` };
    return { state: done.state, lastStep, summary, error: done.message ?? null };
  }
  if (entry.error) return { state: "failed", lastStep, error: entry.error };
  if (exit.code === EXIT.badInput || exit.code === EXIT.error || (exit.code === null && exit.signal === null)) {
    // (no code and no signal: the process could not be started at all)
    return { state: "failed", lastStep, error: withTail(`failed: the worker ${signalText(exit)}`, exit) };
  }
  return { state: "crashed", lastStep, error: withTail(`crashed: the worker ${signalText(exit)} without finishing`, exit) };
}
