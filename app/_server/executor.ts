import os from "node:os";
import { LocalExecutor } from "../../sweeps/executor";
import { planFor } from "../../sweeps/executor/strategy";
import { processLauncher } from "../../sweeps/launcher";
import { checkpointEveryFromEnv } from "../../sweeps/checkpoints";
import { executorCheckpoints } from "../../prisma/store/checkpoints";
import { executorStore } from "../../prisma/store/executor-store";
import { registeredCorpusText } from "../../prisma/store/corpora";

// The server's one executor: started once per server process (instrumentation.ts register()),
// kept on globalThis so route handlers (bundled separately by Next) and hot reloads find the
// same instance. Environment:
//   SWEEPLAB_CONCURRENCY  local worker processes (default: number of cores; 0 = none, only
//                         remote agents run the queue)
//   SWEEPLAB_WORKER       worker command (default dist/worker.cjs, else tsx engine/worker.ts)
//   SWEEPLAB_STALE_AFTER_MS  a run whose host (agent) sent no heartbeat for this long is
//                         put back in the queue (default 20000)
//   SWEEPLAB_CLIENT_STALE_AFTER_MS  a program run (the logging API) whose client sent nothing
//                         for this long ends crashed (default 300000)
//   SWEEPLAB_CHECKPOINT_EVERY_MS  how often workers checkpoint (default 30000): what a kill -9
//                         of the server may cost each run

type Global = typeof globalThis & { __sweeplabExecutor?: LocalExecutor; __sweeplabExecutorStarting?: Promise<LocalExecutor> };

function concurrencyFromEnv(): number {
  const raw = process.env.SWEEPLAB_CONCURRENCY;
  if (raw === undefined || raw === "") return os.cpus().length;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`SWEEPLAB_CONCURRENCY must be a whole number ≥ 0, got "${raw}"`);
  return n;
}

/** Local worker processes (SWEEPLAB_CONCURRENCY) and cores: what the new-sweep form's time estimate assumes. */
export function localCapacity(): { workers: number; cores: number } {
  return { workers: concurrencyFromEnv(), cores: os.cpus().length };
}

/** This server's executor's owner id (the claimedBy of the runs it trains), or null before it has started. */
export function serverExecutorOwner(): string | null {
  return (globalThis as Global).__sweeplabExecutor?.owner ?? null;
}

/** Start the server's executor (idempotent): recovers runs a previous server left running, then claims queued runs. */
export function startServerExecutor(): Promise<LocalExecutor> {
  const g = globalThis as Global;
  g.__sweeplabExecutorStarting ??= (async () => {
    const executor = new LocalExecutor({
      store: executorStore(),
      planFor,
      launcher: processLauncher(),
      checkpoints: executorCheckpoints(checkpointEveryFromEnv(), (message) => console.log(`[executor] ${message}`)),
      corpusText: registeredCorpusText,
      concurrency: concurrencyFromEnv(),
      staleAfterMs: process.env.SWEEPLAB_STALE_AFTER_MS ? Number(process.env.SWEEPLAB_STALE_AFTER_MS) : undefined,
      clientStaleAfterMs: process.env.SWEEPLAB_CLIENT_STALE_AFTER_MS ? Number(process.env.SWEEPLAB_CLIENT_STALE_AFTER_MS) : undefined,
      log: (message) => console.log(`[executor] ${message}`),
    });
    g.__sweeplabExecutor = executor;
    await executor.start();
    console.log(`[executor] started (${executor.owner}, ${concurrencyFromEnv()} local workers)`);
    return executor;
  })();
  return g.__sweeplabExecutorStarting;
}

/** How long workers get to checkpoint and stop when the server stops (ms), and how long it waits for their runs to be stored. */
const SHUTDOWN_GRACE_MS = 4000;
const SHUTDOWN_DEADLINE_MS = 7000;
/** Then how long the HTTP server gets to close (ms). */
const SHUTDOWN_CLOSE_MS = 2000;

/**
 * SIGTERM and SIGINT stop the server gracefully: every worker checkpoints and stops, its run is
 * stored and put back in the queue (to resume from that checkpoint at the next start), then the
 * handlers that were there before ours run (Next's own: close the HTTP server, exit; after 2 s
 * we exit anyway, as open keep-alive connections of live pages hold Next's close) — or, with
 * none, the process exits. Within a few seconds: a worker that does not stop within the grace
 * period is killed, and its run resumes from its last periodic checkpoint instead.
 */
export function installGracefulShutdown(): void {
  const g = globalThis as Global & { __sweeplabShutdownInstalled?: boolean };
  if (g.__sweeplabShutdownInstalled) return;
  g.__sweeplabShutdownInstalled = true;
  let stopping: Promise<void> | null = null;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    const before = process.listeners(signal);
    process.removeAllListeners(signal);
    process.on(signal, () => {
      stopping ??= (async () => {
        console.log(`[executor] ${signal}: checkpointing the runs in progress; they resume at the next start`);
        const executor = g.__sweeplabExecutor;
        try {
          await executor?.stop({ interrupt: `the server stopped (${signal})`, graceMs: SHUTDOWN_GRACE_MS, deadlineMs: SHUTDOWN_DEADLINE_MS });
        } catch (error) {
          console.error(`[executor] stopping: ${(error as Error).message}`);
        }
        const code = signal === "SIGTERM" ? 143 : 130;
        if (before.length === 0) process.exit(code);
        // Next waits for open connections to end, and a page that polls keeps its own open: the runs are safe, so do not wait long.
        setTimeout(() => process.exit(code), SHUTDOWN_CLOSE_MS).unref();
        for (const listener of before) (listener as (s: NodeJS.Signals) => void)(signal);
      })();
    });
  }
}

/** The running executor (started on demand, e.g. when an agent calls before instrumentation ran). */
export function serverExecutor(): Promise<LocalExecutor> {
  return startServerExecutor();
}
