import { processLauncher, type Launcher } from "../launcher";
import { Coordinator, localOwnerId, registerLocalOwner, type CoordinatorOptions } from "./coordinator";
import type { PlanFactory } from "./plan";
import { Runner, type RunnerOptions } from "./runner";
import type { SweepStore } from "./types";

// The local executor: a Coordinator over the database plus a Runner of local worker
// processes, and the housekeeping loop that recovers crashed runs and ends finished sweeps.
// Composition roots (app/_server, the sweep CLI) build one with the prisma store.

export * from "./types";
export type { PlanFactory, SweepPlan, Proposal, MetricHistory } from "./plan";
export { Coordinator, localOwnerId } from "./coordinator";
export { Runner, outcomeOf, type RunnerEvent, type RunnerOptions } from "./runner";

export interface LocalExecutorOptions
  extends Omit<RunnerOptions, "queue" | "launcher" | "owner">,
    Pick<CoordinatorOptions, "firstFailures" | "consecutiveFailures" | "staleAfterMs" | "clientStaleAfterMs" | "maxInterruptions"> {
  store: SweepStore;
  planFor: PlanFactory;
  launcher?: Launcher;
  owner?: string;
  /** Housekeeping period (ms): crash orphaned/stale runs, end finished sweeps. Default 2000. */
  maintainEveryMs?: number;
}

export class LocalExecutor {
  readonly coordinator: Coordinator;
  readonly runner: Runner;
  private readonly maintainEveryMs: number;
  private timer: NodeJS.Timeout | null = null;
  private unregister: (() => void) | null = null;
  private maintaining: Promise<void> | null = null;
  private readonly log: (message: string) => void;

  constructor(options: LocalExecutorOptions) {
    this.log = options.log ?? (() => {});
    this.coordinator = new Coordinator({
      store: options.store,
      planFor: options.planFor,
      firstFailures: options.firstFailures,
      consecutiveFailures: options.consecutiveFailures,
      staleAfterMs: options.staleAfterMs,
      clientStaleAfterMs: options.clientStaleAfterMs,
      maxInterruptions: options.maxInterruptions,
      log: options.log,
    });
    this.runner = new Runner({
      ...options,
      queue: this.coordinator,
      launcher: options.launcher ?? processLauncher(),
      owner: options.owner ?? localOwnerId(),
    });
    this.maintainEveryMs = options.maintainEveryMs ?? 2000;
  }

  get owner(): string {
    return this.runner.owner;
  }

  /** Recover what a previous executor left running, then start claiming. */
  async start(): Promise<void> {
    this.unregister = registerLocalOwner(this.owner);
    await this.maintain();
    this.timer = setInterval(() => void this.maintain(), this.maintainEveryMs);
    this.runner.start();
  }

  maintain(): Promise<void> {
    this.maintaining ??= this.coordinator
      .maintain()
      .catch((error: Error) => this.log(`executor housekeeping failed: ${error.message}`))
      .finally(() => (this.maintaining = null));
    return this.maintaining;
  }

  /** Stop claiming; see Runner.shutdown (`interrupt`: release the runs, to resume from their checkpoints). */
  async stop(options: Parameters<Runner["shutdown"]>[0] = {}): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.runner.shutdown(options);
    await this.maintaining;
    this.unregister?.();
  }
}
