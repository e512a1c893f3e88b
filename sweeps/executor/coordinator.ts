import fs from "node:fs";
import os from "node:os";
import { TERMINAL_RUN_STATES, type RunState } from "../states";
import { plannedStepsOf, PruningLedger, type PruneDecision } from "../stop/ledger";
import { isClientOwner, projectOf, silentClientError } from "../logging-api";
import { isProgramSweep } from "../config";
import type { Done, PlanFactory, Proposal, SweepPlan } from "./plan";
import type { ClaimedRun, Report, RunOutcome, RunQueue, StopReason, SweepInfo, SweepStore, TrialInfo } from "./types";

// The Coordinator is the sweep logic behind the queue, in the process that owns the database
// (the server, or the sweep CLI): it proposes runs as workers ask for them, records what they
// report, decides early termination, ends sweeps (search done, or runs keep failing) and
// recovers runs whose worker host is gone. Worker hosts — the local Runner or a remote agent —
// reach it through the RunQueue interface only.
//
// An interruption is not a failure: a run whose host stopped (a server or CLI restarted, an
// agent that vanished, a SIGTERM) goes back to the queue and resumes from its last checkpoint,
// and it never counts towards a sweep's failure rules. Only a run interrupted more than
// `maxInterruptions` times ends crashed (something about it may kill its hosts).

export interface CoordinatorOptions {
  store: SweepStore;
  planFor: PlanFactory;
  /** A sweep fails when its first this-many ended runs all failed or crashed (default 3). */
  firstFailures?: number;
  /** ... or when this many ended runs in a row failed or crashed (default 5). */
  consecutiveFailures?: number;
  /** A running run of a remote host whose heartbeat is older than this is requeued (its host is gone). Default 20 s. */
  staleAfterMs?: number;
  /** A run interrupted more often than this ends crashed instead of resuming (default 10). */
  maxInterruptions?: number;
  /** A program run (the logging API) whose client sent nothing for this long ends crashed. Default 5 min. */
  clientStaleAfterMs?: number;
  log?: (message: string) => void;
}

const FAILED: readonly RunState[] = ["failed", "crashed"];
const HEARTBEAT_EVERY_MS = 1000;

/** Owners of local executors alive in this process (a restarted executor in the same process must not crash their runs). */
const liveOwners: Set<string> = ((globalThis as { __sweeplabLiveOwners?: Set<string> }).__sweeplabLiveOwners ??= new Set());

export function registerLocalOwner(owner: string): () => void {
  liveOwners.add(owner);
  return () => liveOwners.delete(owner);
}

/**
 * The machine this process runs on, as owner ids name it: SWEEPLAB_HOST, else the host name.
 * Several servers on one PostgreSQL may run on several machines: a pid means something only on
 * its own (set SWEEPLAB_HOST where machines share a host name, as containers may).
 */
export function thisHost(): string {
  return (process.env.SWEEPLAB_HOST || os.hostname() || "localhost").replace(/[^A-Za-z0-9._-]/g, "_");
}

/**
 * `local:<pid>:<instance>@<host>` — the prefix names the process, so a restart can tell its
 * predecessor's runs; the host says where that pid lives.
 */
export function localOwnerId(instance = Math.random().toString(36).slice(2, 8)): string {
  return `local:${process.pid}:${instance}@${thisHost()}`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Kill an orphaned worker of a dead executor, only if the pid still looks like a worker. */
function killOrphanWorker(pid: number): void {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
    if (/worker/.test(cmdline)) process.kill(pid, "SIGKILL");
  } catch {
    // gone already, or not Linux: nothing to do
  }
}

/** A sweep whose stored config cannot be planned (it fails instead of blocking the queue). */
class PlanError extends Error {
  constructor(
    readonly sweep: SweepInfo,
    message: string,
  ) {
    super(message);
  }
}

/** A sweep's early termination so far: the ledger fed every stored point of its metric up to `seq`. */
interface SweepLedger {
  ledger: PruningLedger;
  seq: number;
  /** Steps each run trains for (from its config), for the ledger. */
  plannedSteps: Map<string, number | undefined>;
  /** Decisions are taken one catch-up at a time, so points are fed in the store's order. */
  lock: Promise<unknown>;
}

export class Coordinator implements RunQueue {
  private readonly store: SweepStore;
  private readonly planFor: PlanFactory;
  private readonly firstFailures: number;
  private readonly consecutiveFailures: number;
  private readonly staleAfterMs: number;
  private readonly clientStaleAfterMs: number;
  private readonly maxInterruptions: number;
  /** When each worker host last reported (ms): a host heard from is alive, even if its heartbeats could not be stored. */
  private readonly lastHeard = new Map<string, number>();
  private readonly log: (message: string) => void;
  private readonly plans = new Map<string, SweepPlan>();
  private readonly ledgers = new Map<string, SweepLedger>();
  /** Runs of this coordinator early termination decided to stop, with the rule's decision. */
  private readonly pruned = new Map<string, PruneDecision>();
  /**
   * Runs this coordinator handed out: their sweep, and that sweep when it terminates runs early
   * (its plan and metric are fixed at launch, so the reports need not read the sweep again).
   */
  private readonly claims = new Map<string, { sweepId: string | null; pruning: SweepInfo | null }>();
  private readonly lastHeartbeat = new Map<string, number>();
  private claimLock: Promise<unknown> = Promise.resolve();
  private rotation = 0;

  constructor(options: CoordinatorOptions) {
    this.store = options.store;
    this.planFor = options.planFor;
    this.firstFailures = options.firstFailures ?? 3;
    this.consecutiveFailures = options.consecutiveFailures ?? 5;
    this.staleAfterMs = options.staleAfterMs ?? 20_000;
    this.clientStaleAfterMs = options.clientStaleAfterMs ?? 5 * 60_000;
    this.maxInterruptions = options.maxInterruptions ?? 10;
    this.log = options.log ?? (() => {});
  }

  private plan(sweep: SweepInfo): SweepPlan {
    let plan = this.plans.get(sweep.id);
    if (!plan) {
      try {
        plan = this.planFor(sweep);
      } catch (error) {
        throw new PlanError(sweep, (error as Error).message);
      }
      this.plans.set(sweep.id, plan);
    }
    return plan;
  }

  /** The run at `index`, or why the search is done (exhausted, run_cap or target reached). */
  private propose(sweep: SweepInfo, index: number, trials: TrialInfo[]): Proposal | Done {
    if (sweep.runCap !== null && index >= sweep.runCap) return { done: `run_cap reached (${sweep.runCap} runs)` };
    return this.plan(sweep).propose(index, trials);
  }

  /** Why this coordinator ordered a run to stop early ("pruned"), or null: a program's client ends it with that state. */
  stopReasonOf(runId: string): StopReason | null {
    return this.pruned.has(runId) ? "pruned" : null;
  }

  // ---- RunQueue ----

  claim(owner: string, options: { sweepId?: string } = {}): Promise<ClaimedRun | null> {
    // One claim at a time per process, so the local pool and agents never propose the same slot twice.
    const next = this.claimLock.then(() => this.claimNow(owner, options));
    this.claimLock = next.catch(() => {});
    return next;
  }

  private async claimNow(owner: string, options: { sweepId?: string }): Promise<ClaimedRun | null> {
    try {
      return await this.claimFrom(owner, options);
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      await this.failSweep(error.sweep, `stopped: ${error.message}`);
      return null;
    }
  }

  private async claimFrom(owner: string, options: { sweepId?: string }): Promise<ClaimedRun | null> {
    let sweeps: SweepInfo[];
    if (options.sweepId) {
      const sweep = await this.store.getSweep(options.sweepId);
      sweeps = sweep ? [sweep] : [];
    } else {
      sweeps = await this.store.runningSweeps();
    }
    // A sweep held by one executor (launched by `npm run sweep`) is run by it, or by a host told
    // its id (an agent started with --sweep): the server's pool does not take its runs.
    if (!options.sweepId) sweeps = sweeps.filter((s) => s.heldBy === null || s.heldBy === owner);
    // Rotate the starting sweep so that several running sweeps share the workers.
    const start = sweeps.length ? this.rotation++ % sweeps.length : 0;
    for (let i = 0; i < sweeps.length; i++) {
      const sweep = sweeps[(start + i) % sweeps.length];
      if (sweep.state === "running") {
        if ((await this.store.countRuns(sweep.id, ["running"])) >= sweep.concurrency) continue;
        await this.ensureQueued(sweep);
      } else if (sweep.state === "paused") continue;
      const run = await this.store.claimRun(owner, sweep.id);
      if (run) return this.claimed(run, this.plan(sweep).earlyTermination ? sweep : null);
    }
    if (!options.sweepId) {
      const run = await this.store.claimLooseRun(owner);
      if (run) return this.claimed(run);
    }
    return null;
  }

  private claimed(run: TrialInfo, pruning: SweepInfo | null = null): ClaimedRun {
    this.claims.set(run.id, { sweepId: run.sweepId, pruning });
    return {
      pruneMetric: pruning?.metricName ?? null,
      id: run.id,
      name: run.name,
      sweepId: run.sweepId,
      index: run.index,
      config: run.config,
      seq: run.ingestSeq,
      interruptions: run.interruptions,
      checkpointStep: run.checkpointStep,
      forkOf: run.forkOf,
    };
  }

  /**
   * Propose the sweep's next run when none is waiting (the search sees every run so far), as the
   * sweep's controller: servers sharing the database decide its runs one at a time.
   */
  private ensureQueued(sweep: SweepInfo): Promise<void> {
    return this.store.asSweepController(sweep.id, () => this.proposeNext(sweep));
  }

  private async proposeNext(sweep: SweepInfo): Promise<void> {
    if ((await this.store.countRuns(sweep.id, ["queued"])) > 0) return;
    const trials = await this.store.sweepTrials(sweep.id);
    if ("done" in this.propose(sweep, sweep.proposed, trials)) return;
    const index = await this.store.reserveRunIndex(sweep.id);
    const proposal = this.propose(sweep, index, trials);
    if ("done" in proposal) return;
    const program = isProgramSweep(sweep.config);
    const project = projectOf(sweep.config);
    await this.store.createRun({ sweepId: sweep.id, index, config: proposal.config, params: proposal.params, ...(program ? { kind: "program" as const } : {}), ...(project ? { project } : {}) });
  }

  async started(_owner: string, runId: string, pid: number | null): Promise<void> {
    await this.store.setRunPid(runId, pid);
  }

  async report(owner: string, report: Report): Promise<Record<string, StopReason>> {
    const now = Date.now();
    this.lastHeard.set(owner, now);
    const { unknownRuns } = await this.store.appendRunEvents(report.events);
    if (report.alive.length > 0 && now - (this.lastHeartbeat.get(owner) ?? 0) >= HEARTBEAT_EVERY_MS) {
      this.lastHeartbeat.set(owner, now);
      await this.store.heartbeat(report.alive);
    }
    const orders: Record<string, StopReason> = {};
    for (const events of report.events) {
      if (events.metrics?.length) await this.considerPruning(events.runId, events.metrics);
    }
    const alive = new Set(report.alive);
    for (const id of this.pruned.keys()) if (alive.has(id)) orders[id] = "pruned";
    if (alive.size > 0) for (const id of await this.store.runsToStop(owner)) if (alive.has(id)) orders[id] = "stopped";
    for (const id of unknownRuns) orders[id] = "stopped"; // deleted while it trained
    return orders;
  }

  async release(_owner: string, runId: string, reason: string): Promise<void> {
    this.pruned.delete(runId);
    this.claims.delete(runId);
    await this.requeue([runId], reason);
  }

  /** Put interrupted runs back in the queue; those that end instead (a stop request, too many interruptions) count for their sweep. */
  private async requeue(runIds: string[], reason: string): Promise<void> {
    if (runIds.length === 0) return;
    const changed = await this.store.requeueRuns(runIds, reason, { maxInterruptions: this.maxInterruptions });
    for (const run of changed) this.log(`run ${run.id} ${run.state === "queued" ? "back in the queue, to resume" : `ended ${run.state}`}: ${reason}`);
    for (const sweepId of new Set(changed.filter((r) => r.state !== "queued" && r.sweepId).map((r) => r.sweepId!))) await this.afterRunEnded(sweepId);
  }

  async finish(owner: string, runId: string, outcome: RunOutcome): Promise<void> {
    const decision = this.pruned.get(runId);
    const sweepId = this.claims.get(runId)?.sweepId ?? null;
    this.pruned.delete(runId);
    this.claims.delete(runId);
    if (isClientOwner(owner)) for (const seen of [this.lastHeard, this.lastHeartbeat]) seen.delete(owner); // (one owner per program run)
    if (outcome.state === "pruned" && decision) outcome = { ...outcome, error: `pruned: ${prunedBecause(decision)}` };
    const run = await this.store.finishRun(runId, outcome);
    // (a run deleted while it trained has no row left; its sweep still counts what remains)
    const ended = run ? run.sweepId : sweepId;
    if (ended) await this.afterRunEnded(ended);
  }

  // ---- early termination ----

  private async considerPruning(runId: string, metrics: NonNullable<Report["events"][number]["metrics"]>): Promise<void> {
    if (this.pruned.has(runId)) return;
    const sweep = this.claims.get(runId)?.pruning;
    if (!sweep || !metrics.some((m) => sweep.metricName in m.values)) return;
    await this.catchUp(sweep, this.plan(sweep));
  }

  /**
   * Feed the sweep's ledger the points of its metric stored since it last looked, in the order
   * they were stored (sweeps/stop/ledger.ts: the order a replay of the sweep follows too). The
   * first time, that is the sweep's whole history: a restarted server decides again what it
   * decided before, and orders only the runs it is training.
   */
  private catchUp(sweep: SweepInfo, plan: SweepPlan): Promise<unknown> {
    let state = this.ledgers.get(sweep.id);
    if (!state) {
      const plannedSteps = new Map<string, number | undefined>();
      state = { ledger: new PruningLedger(plan.shouldStop, (id) => plannedSteps.get(id)), seq: 0, plannedSteps, lock: Promise.resolve() };
      this.ledgers.set(sweep.id, state);
    }
    const s = state;
    const next = s.lock.then(async () => {
      const points = await this.store.metricPointsSince(sweep.id, sweep.metricName, s.seq);
      if (points.some((p) => !s.plannedSteps.has(p.runId)))
        for (const t of await this.store.sweepTrials(sweep.id)) s.plannedSteps.set(t.id, plannedStepsOf(t.config));
      for (const p of points) {
        s.seq = Math.max(s.seq, p.seq);
        const decision = s.ledger.observe(p);
        if (decision && this.claims.has(decision.runId)) {
          this.pruned.set(decision.runId, decision);
          this.log(`pruning run ${decision.runId}: ${prunedBecause(decision)}`);
        }
      }
    });
    s.lock = next.catch(() => {});
    return next;
  }

  // ---- sweep bookkeeping ----

  private async afterRunEnded(sweepId: string): Promise<void> {
    const trials = await this.store.sweepTrials(sweepId);
    const sweep = await this.store.getSweep(sweepId);
    if (!sweep || (sweep.state !== "running" && sweep.state !== "paused")) return;
    const reason = this.failureReason(trials);
    if (reason) {
      await this.failSweep(sweep, reason);
      return;
    }
    await this.finishIfDone(sweep);
  }

  /** Why the sweep should stop itself, or null: its runs keep failing. */
  failureReason(trials: TrialInfo[]): string | null {
    const ended = trials
      .filter((t) => TERMINAL_RUN_STATES.includes(t.state) && t.finishedAt)
      .sort((a, b) => Date.parse(a.finishedAt!) - Date.parse(b.finishedAt!));
    const bad = (t: TrialInfo) => FAILED.includes(t.state);
    const lastError = (runs: TrialInfo[]) => {
      const last = runs[runs.length - 1];
      return `last: ${last.name} ${last.state}${last.error ? `: ${last.error.split("\n")[0].slice(0, 300)}` : ""}`;
    };
    const first = ended.slice(0, this.firstFailures);
    if (first.length === this.firstFailures && first.every(bad)) {
      return `stopped: the first ${this.firstFailures} runs all failed or crashed (${lastError(first)})`;
    }
    const recent = ended.slice(-this.consecutiveFailures);
    if (recent.length === this.consecutiveFailures && recent.every(bad)) {
      return `stopped: ${this.consecutiveFailures} runs in a row failed or crashed (${lastError(recent)})`;
    }
    return null;
  }

  private async failSweep(sweep: SweepInfo, reason: string): Promise<void> {
    const changed = await this.store.setSweepState(sweep.id, "failed", { reason, from: ["running", "paused"] });
    if (!changed) return;
    this.log(`sweep ${sweep.id} ${reason}`);
    await this.store.stopQueuedRuns(sweep.id);
    await this.store.requestStopForSweep(sweep.id);
  }

  /** End the sweep when its search is done and nothing is queued or running: a decision of its controller (never while its next run is being queued). */
  private finishIfDone(sweep: SweepInfo): Promise<void> {
    if (sweep.state !== "running") return Promise.resolve();
    return this.store.asSweepController(sweep.id, () => this.finishIfDoneNow(sweep.id));
  }

  private async finishIfDoneNow(sweepId: string): Promise<void> {
    // read again as the controller: what was read before waiting for it may be stale
    const sweep = await this.store.getSweep(sweepId);
    if (!sweep || sweep.state !== "running") return;
    if ((await this.store.countRuns(sweep.id, ["queued", "running"])) > 0) return;
    const next = this.propose(sweep, sweep.proposed, await this.store.sweepTrials(sweep.id));
    if (!("done" in next)) return;
    const reason = next.done;
    if (await this.store.setSweepState(sweep.id, "finished", { reason, from: ["running"] })) {
      this.log(`sweep ${sweep.id} finished (${reason})`);
      this.plans.delete(sweep.id);
      this.ledgers.delete(sweep.id);
    }
  }

  /**
   * Housekeeping, every few seconds in the process that owns the database: requeue the runs of
   * local executors that are gone (a restarted server or CLI: their pid is dead) and of remote
   * hosts whose heartbeat stopped (a vanished agent, a server on another machine that died),
   * to resume from their checkpoints; then
   * end the sweeps that are done. A run trained for a terminal (`npm run train -- --track`: no
   * sweep, not a re-run) cannot resume anywhere else: it is crashed.
   */
  async maintain(): Promise<void> {
    const orphans = (await this.store.runningRuns()).filter((r) => {
      const pid = localPid(r.claimedBy);
      if (pid === null || liveOwners.has(r.claimedBy!)) return false;
      return pid === process.pid || !processAlive(pid);
    });
    for (const run of orphans) if (run.pid !== null) killOrphanWorker(run.pid);
    const resumable = (r: TrialInfo) => r.sweepId !== null || r.rerunOf !== null;
    await this.requeue(orphans.filter(resumable).map((r) => r.id), "the executor running it stopped (server or CLI restarted)");
    const crashed = await this.store.crashRuns(orphans.filter((r) => !resumable(r)).map((r) => r.id), "crashed: the process training it (npm run train -- --track) stopped");
    // Remote hosts only: a local executor that is alive is alive, even when its heartbeats could
    // not be stored (a full disk); so is a host that reported to this process lately.
    const now = Date.now();
    const silentFor = (r: { claimedBy: string | null }) => now - (this.lastHeard.get(r.claimedBy ?? "") ?? 0);
    const stale = (await this.store.staleRuns(this.staleAfterMs)).filter((r) => localPid(r.claimedBy) === null && !isClientOwner(r.claimedBy) && silentFor(r) > this.staleAfterMs);
    await this.requeue(stale.map((r) => r.id), `no heartbeat for ${Math.round(this.staleAfterMs / 1000)} s (its worker host is gone)`);
    // a program's run cannot resume elsewhere: when its client went silent (killed, its machine gone), it crashed
    const lost = (await this.store.staleRuns(this.clientStaleAfterMs)).filter((r) => isClientOwner(r.claimedBy) && silentFor(r) > this.clientStaleAfterMs);
    crashed.push(...(await this.store.crashRuns(lost.map((r) => r.id), silentClientError(Math.round(this.clientStaleAfterMs / 1000)))));
    for (const run of crashed) this.log(`run ${run.id} (${run.claimedBy}) marked crashed`);
    for (const sweepId of new Set(crashed.map((r) => r.sweepId).filter((id): id is string => id !== null))) await this.afterRunEnded(sweepId);
    for (const sweep of await this.store.runningSweeps()) {
      try {
        await this.finishIfDone(sweep);
      } catch (error) {
        if (!(error instanceof PlanError)) throw error;
        await this.failSweep(sweep, `stopped: ${error.message}`);
      }
    }
  }
}

/**
 * The pid of a local executor's owner id when it runs on this machine (`local:<pid>:<instance>@<host>`;
 * an id without a host is from before hosts were named: this machine's). Null for anything
 * else: an agent, or an executor on another machine (a server beside this one on the same
 * PostgreSQL), whose runs are judged by their heartbeats like an agent's.
 */
export function localPid(owner: string | null): number | null {
  const m = /^local:(\d+):[^@]*(?:@(.*))?$/.exec(owner ?? "");
  if (!m || (m[2] !== undefined && m[2] !== thisHost())) return null;
  return Number(m[1]);
}

/** A pruned run's stored error: the rule's reason and where it decided. */
export function prunedBecause(d: PruneDecision): string {
  return `${d.reason} (decided at evaluation ${d.evaluation}, step ${d.step})`;
}
