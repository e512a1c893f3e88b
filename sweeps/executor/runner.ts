import os from "node:os";
import { EXIT, type DoneEvent, type WorkerInput, type WorkerMessage } from "../../engine/protocol";
import type { Launcher, WorkerExit, WorkerHandle } from "../launcher";
import { DIAGNOSTIC_POINTS } from "../agent-protocol";
import { BUILTIN_CORPUS_NAME, corpusNameProblem } from "../../engine/corpus/names";
import type { ClaimedRun, RunEvents, RunOutcome, RunQueue, StopReason } from "./types";
import { fullBudget, isEmpty, pendingPoints, takeWithin } from "./report-budget";

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

/** How many announced step times (heartbeat stepMs) of silence are allowed on top of silenceTimeoutMs. */
export const STEP_ALLOWANCE = 3;

/** How long a worker that announced steps of `stepMs` may stay silent before it is killed (ms). */
export function silenceLimitMs(silenceTimeoutMs: number, stepMs: number): number {
  return silenceTimeoutMs + STEP_ALLOWANCE * stepMs;
}

export interface RunnerOptions {
  queue: RunQueue;
  launcher: Launcher;
  owner: string;
  /** Worker processes at once; default the number of cores. */
  concurrency?: number;
  /** Only runs of this sweep. */
  sweepId?: string;
  /** How often to look for work when a slot is free (ms). */
  pollMs?: number;
  /** How often buffered events are reported (ms), and the buffered points that force a report. */
  flushMs?: number;
  flushPoints?: number;
  /**
   * A worker that writes nothing for this long — plus STEP_ALLOWANCE × the step time it
   * announced — is killed and its run crashed (ms; default 8000).
   */
  silenceTimeoutMs?: number;
  /** After SIGTERM, SIGKILL if the worker has not exited within this (ms), plus STEP_ALLOWANCE × its announced step time. */
  stopGraceMs?: number;
  /** Extra WorkerInput fields per run (e.g. a checkpoint path). */
  workerInput?: (run: ClaimedRun) => Omit<WorkerInput, "config">;
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
  | { type: "ended"; run: ClaimedRun; outcome: RunOutcome };

interface Active {
  run: ClaimedRun;
  worker: WorkerHandle;
  lastHeard: number;
  /** The worker's last announced step time (ms; heartbeat stepMs), 0 until it announces one. */
  stepMs: number;
  stopReason: StopReason | null;
  killTimer: NodeJS.Timeout | null;
  silenceKilled: boolean;
  done: DoneEvent | null;
  error: string | null;
  lastStep: number;
  pending: Required<Omit<RunEvents, "runId">>;
  pendingPoints: number;
}

const emptyPending = (): Active["pending"] => ({ metrics: [], samples: [], logs: [], diagnostics: [] });

export class Runner {
  readonly owner: string;
  private readonly queue: RunQueue;
  private readonly launcher: Launcher;
  private readonly concurrency: number;
  private readonly sweepId: string | undefined;
  private readonly pollMs: number;
  private readonly flushMs: number;
  private readonly flushPoints: number;
  private readonly silenceTimeoutMs: number;
  private readonly stopGraceMs: number;
  private readonly options: RunnerOptions;
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
    this.silenceTimeoutMs = options.silenceTimeoutMs ?? 8000; // the engine beats every second: a hung worker of a fast run is found within 10 s
    this.stopGraceMs = options.stopGraceMs ?? 10_000;
    this.log = options.log ?? (() => {});
  }

  get activeCount(): number {
    return this.active.size;
  }

  activeRunIds(): string[] {
    return [...this.active.keys()];
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.timers.push(setInterval(() => void this.fill(), this.pollMs));
    this.timers.push(setInterval(() => void this.flush(), this.flushMs));
    this.timers.push(setInterval(() => this.checkSilence(), Math.min(1000, this.silenceTimeoutMs / 4)));
    void this.fill();
  }

  /** Claim runs until every slot is busy or the queue is empty. */
  fill(): Promise<void> {
    if (!this.running || this.draining || this.active.size >= this.concurrency) return this.filling ?? Promise.resolve();
    if (this.filling) return this.filling;
    const filling = (async () => {
      await Promise.resolve(); // so that `this.filling` is set before the finally below runs
      try {
        while (this.running && !this.draining && this.active.size < this.concurrency) {
          const run = await this.queue.claim(this.owner, { sweepId: this.sweepId });
          if (!run) {
            this.lastClaimEmpty = true;
            break;
          }
          this.lastClaimEmpty = false;
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
    let corpusText: string | undefined;
    try {
      corpusText = await this.corpusFor(run.config);
    } catch (error) {
      return this.refuse(run, (error as Error).message);
    }
    const extra = this.options.workerInput?.(run) ?? {};
    const input = { ...extra, config: run.config, ...(corpusText === undefined ? {} : { corpusText }) } as WorkerInput;
    let entry: Active | undefined;
    const onMessage = (message: WorkerMessage) => {
      if (entry) this.onMessage(entry, message);
    };
    const worker = this.launcher.launch(input, onMessage);
    entry = {
      run,
      worker,
      lastHeard: Date.now(),
      stepMs: 0,
      stopReason: null,
      killTimer: null,
      silenceKilled: false,
      done: null,
      error: null,
      lastStep: 0,
      pending: emptyPending(),
      pendingPoints: 0,
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
    const { type, ...body } = message;
    switch (message.type) {
      case "metric":
        entry.pending.metrics.push(body as Active["pending"]["metrics"][number]);
        entry.pendingPoints += Object.keys(message.values).length;
        entry.lastStep = Math.max(entry.lastStep, message.step);
        break;
      case "sample":
        entry.pending.samples.push(body as Active["pending"]["samples"][number]);
        break;
      case "log":
        entry.pending.logs.push(body as Active["pending"]["logs"][number]);
        break;
      case "diagnostic":
        entry.pending.diagnostics.push(body as Active["pending"]["diagnostics"][number]);
        entry.pendingPoints += DIAGNOSTIC_POINTS;
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
        entry.pending.logs.push({ level: "error", message: message.message });
        break;
    }
    void type;
    if (entry.pendingPoints >= this.flushPoints) void this.flush();
  }

  /** Report everything buffered (one report at a time, in order). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushNow()).catch((error: Error) => this.log(`cannot report: ${error.message}`));
    return this.flushing;
  }

  /** Report until nothing is buffered, in reports of bounded size. */
  private async flushNow(): Promise<void> {
    while (await this.reportOnce());
  }

  /** One report of what is buffered, as much as fits in one; true when some is left for the next. */
  private async reportOnce(): Promise<boolean> {
    const events: RunEvents[] = [];
    const alive: string[] = [];
    const budget = fullBudget(); // one report is bounded; what does not fit goes in the next
    let left = false;
    for (const entry of this.active.values()) {
      if (!isEmpty(entry.pending)) {
        const { taken, rest } = takeWithin(entry.pending, budget);
        if (!isEmpty(taken)) events.push({ runId: entry.run.id, ...taken });
        entry.pending = rest;
        entry.pendingPoints = pendingPoints(rest);
        left ||= !isEmpty(rest);
      }
      if (!entry.silenceKilled && entry.done === null) alive.push(entry.run.id);
    }
    if (events.length === 0 && alive.length === 0) return false;
    let orders: Record<string, StopReason>;
    try {
      orders = await this.queue.report(this.owner, { events, alive });
    } catch (error) {
      // Put the events back in front so nothing is lost when the queue is briefly unreachable.
      for (const e of events) {
        const entry = this.active.get(e.runId);
        if (!entry) continue;
        entry.pending = {
          metrics: [...(e.metrics ?? []), ...entry.pending.metrics],
          samples: [...(e.samples ?? []), ...entry.pending.samples],
          logs: [...(e.logs ?? []), ...entry.pending.logs],
          diagnostics: [...(e.diagnostics ?? []), ...entry.pending.diagnostics],
        };
        entry.pendingPoints = pendingPoints(entry.pending);
      }
      throw error;
    }
    for (const [runId, reason] of Object.entries(orders)) this.stop(runId, reason);
    return left;
  }

  /** SIGTERM a run's worker (SIGKILL after the grace period); its run ends as `reason`. */
  stop(runId: string, reason: StopReason): void {
    const entry = this.active.get(runId);
    if (!entry || entry.stopReason) return;
    entry.stopReason = reason;
    entry.worker.terminate();
    // (the worker stops at its next step boundary: a long step is let finish)
    entry.killTimer = setTimeout(() => entry.worker.kill(), silenceLimitMs(this.stopGraceMs, entry.stepMs));
  }

  private checkSilence(): void {
    const now = Date.now();
    for (const entry of this.active.values()) {
      if (entry.silenceKilled || now - entry.lastHeard <= silenceLimitMs(this.silenceTimeoutMs, entry.stepMs)) continue;
      entry.silenceKilled = true;
      this.log(`run ${entry.run.id}: no message for ${Math.round((now - entry.lastHeard) / 1000)} s${stepNote(entry.stepMs)}, killing its worker`);
      entry.worker.kill();
    }
  }

  private async onExit(entry: Active, exit: WorkerExit): Promise<void> {
    if (entry.killTimer) clearTimeout(entry.killTimer);
    const outcome = outcomeOf(entry, exit, this.silenceTimeoutMs);
    // The worker's last lines are reported before the run ends, so its data is complete.
    await this.flush();
    this.active.delete(entry.run.id);
    try {
      await this.queue.finish(this.owner, entry.run.id, outcome);
    } catch (error) {
      this.log(`cannot record the end of run ${entry.run.id}: ${(error as Error).message}`);
    }
    this.options.onEvent?.({ type: "ended", run: entry.run, outcome });
    this.notifyIdle();
    void this.fill();
  }

  private notifyIdle(): void {
    if (this.active.size === 0 && this.filling === null) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Resolves when no worker is running and the last claim found nothing to do. */
  async untilIdle(): Promise<void> {
    for (;;) {
      if (this.active.size === 0 && this.filling === null && this.lastClaimEmpty) return;
      await new Promise<void>((resolve) => {
        this.idleWaiters.push(resolve);
        setTimeout(resolve, this.pollMs);
      });
    }
  }

  /**
   * Stop claiming. With `stopWorkers`, SIGTERM every worker (runs end `stopped`) and wait for
   * them; without, leave the workers running (they die with the process and their runs are
   * recovered as crashed by the next executor).
   */
  async shutdown(options: { stopWorkers?: boolean } = {}): Promise<void> {
    this.draining = true;
    if (options.stopWorkers) {
      for (const id of this.active.keys()) this.stop(id, "stopped");
      await Promise.all([...this.active.values()].map((e) => e.worker.exited));
      while (this.active.size > 0) await new Promise((r) => setTimeout(r, 20));
    }
    await this.filling;
    await this.flush();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.running = false;
  }
}

const signalText = (exit: WorkerExit) => (exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`);
const withTail = (message: string, exit: WorkerExit) => (exit.stderrTail ? `${message}\n${exit.stderrTail}` : message);

const stepNote = (stepMs: number) => (stepMs >= 1000 ? ` (its steps take up to ${Math.round(stepMs / 1000)} s)` : "");

/** How a run ended, from what its worker said and how its process exited. */
export function outcomeOf(entry: Pick<Active, "done" | "error" | "stopReason" | "silenceKilled" | "lastStep"> & Partial<Pick<Active, "stepMs">>, exit: WorkerExit, silenceTimeoutMs: number): RunOutcome {
  const { done } = entry;
  const lastStep = Math.max(entry.lastStep, done?.step ?? 0);
  const summary = done?.summary;
  if (entry.silenceKilled && !done) {
    const stepMs = entry.stepMs ?? 0, silent = Math.round(silenceLimitMs(silenceTimeoutMs, stepMs) / 1000);
    return { state: "crashed", lastStep, error: withTail(`crashed: the worker wrote nothing for ${silent} s${stepNote(stepMs)} and was killed`, exit) };
  }
  // (SIGINT: a Ctrl-C in the CLI's terminal reached the worker before it could stop by itself)
  if (entry.stopReason && (done || exit.code === EXIT.stopped || exit.signal === "SIGTERM" || exit.signal === "SIGKILL" || exit.signal === "SIGINT")) {
    return { state: entry.stopReason, lastStep, summary, error: entry.stopReason === "pruned" ? "pruned by early termination" : null };
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
