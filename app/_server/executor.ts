import os from "node:os";
import { LocalExecutor } from "../../sweeps/executor";
import { planFor } from "../../sweeps/executor/strategy";
import { processLauncher } from "../../sweeps/launcher";
import { localWorkerInput } from "../../sweeps/checkpoints";
import { executorStore } from "../../prisma/store/executor-store";

// The server's one executor: started once per server process (instrumentation.ts register()),
// kept on globalThis so route handlers (bundled separately by Next) and hot reloads find the
// same instance. Environment:
//   SWEEPLAB_CONCURRENCY  local worker processes (default: number of cores; 0 = none, only
//                         remote agents run the queue)
//   SWEEPLAB_WORKER       worker command (default dist/worker.mjs, else tsx engine/worker.ts)
//   SWEEPLAB_STALE_AFTER_MS  a run whose host (agent) sent no heartbeat for this long is
//                         crashed (default 20000)

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

/** Start the server's executor (idempotent): recovers runs a previous server left running, then claims queued runs. */
export function startServerExecutor(): Promise<LocalExecutor> {
  const g = globalThis as Global;
  g.__sweeplabExecutorStarting ??= (async () => {
    const executor = new LocalExecutor({
      store: executorStore(),
      planFor,
      launcher: processLauncher(),
      workerInput: localWorkerInput,
      concurrency: concurrencyFromEnv(),
      staleAfterMs: process.env.SWEEPLAB_STALE_AFTER_MS ? Number(process.env.SWEEPLAB_STALE_AFTER_MS) : undefined,
      log: (message) => console.log(`[executor] ${message}`),
    });
    g.__sweeplabExecutor = executor;
    await executor.start();
    console.log(`[executor] started (${executor.owner}, ${concurrencyFromEnv()} local workers)`);
    return executor;
  })();
  return g.__sweeplabExecutorStarting;
}

/** The running executor (started on demand, e.g. when an agent calls before instrumentation ran). */
export function serverExecutor(): Promise<LocalExecutor> {
  return startServerExecutor();
}
