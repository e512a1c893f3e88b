import { LocalExecutor } from "./executor";
import { planFor } from "./executor/strategy";
import { checkpointEveryFromEnv } from "./checkpoints";
import { processLauncher, routingLauncher } from "./launcher";
import { programLauncher, programSpecOf, type ProgramSpec } from "./program";
import { invocationDir } from "../engine/files";
import { getSweep } from "../prisma/store";
import { executorStore } from "../prisma/store/executor-store";
import { executorCheckpoints } from "../prisma/store/checkpoints";
import { registeredCorpusText } from "../prisma/store/corpora";
import { redact } from "../prisma/database";

// `npm run agent -- --database postgresql://… [--sweep ID] [--concurrency N] [--count N]`: an agent that
// connects straight to the database, as Optuna's workers do, where that is simpler on a cluster
// than reaching a server: it runs the sweep logic (claims with row locks, the sweep's next run
// under its controller lock, early termination) and its workers in this process, like a server's
// executor without the pages. Its runs carry its host in their owner id, so a server or agent on
// another machine notices it is gone by its runs' heartbeats and requeues them; their
// checkpoints are kept in the database (on PostgreSQL), so they resume wherever they go next.

export interface DirectAgentOptions {
  database: string;
  sweep?: string;
  concurrency: number;
  /** Run at most this many runs, then exit once they have ended (--count). */
  maxRuns?: number;
  log: (message: string) => void;
}

const ENDED = new Set(["finished", "cancelled", "failed"]);

export async function runDirectAgent(options: DirectAgentOptions): Promise<void> {
  process.env.DATABASE_URL = options.database;
  let spec: ProgramSpec | null = null;
  if (options.sweep) {
    const sweep = await getSweep(options.sweep);
    if (!sweep) throw new Error(`--sweep ${options.sweep}: no such sweep in ${redact(options.database)}`);
    spec = programSpecOf(sweep.config);
  }
  const programs = spec ? programLauncher({ cwd: invocationDir(), specFor: () => spec }) : null;
  // a program's client logs over HTTP: this agent has no server of its own to give it
  if (spec && !process.env.SWEEPLAB_URL)
    options.log(`this sweep runs a program: a program logging with a client reaches a server at SWEEPLAB_URL, which is not set (its client tries http://127.0.0.1:3000, and logs offline when nothing answers there); set it to a server on this database. JSON lines the program prints need none.`);
  const checkpoints = executorCheckpoints(checkpointEveryFromEnv(), options.log);
  const executor = new LocalExecutor({
    store: executorStore(),
    planFor,
    checkpoints,
    corpusText: registeredCorpusText,
    concurrency: options.concurrency,
    sweepId: options.sweep,
    maxRuns: options.maxRuns,
    // a program sweep's runs run its program here, in this folder (as `wandb agent` does)
    launcher: programs ? routingLauncher(processLauncher(), programs, (run) => run?.sweepId === options.sweep) : processLauncher(),
    staleAfterMs: process.env.SWEEPLAB_STALE_AFTER_MS ? Number(process.env.SWEEPLAB_STALE_AFTER_MS) : undefined,
    log: options.log,
    onEvent: (e) => {
      if (e.type === "started") console.log(`▶ ${e.run.name} (${e.run.id})`);
      if (e.type === "ended") console.log(`■ ${e.run.name} ${e.outcome.state}${e.outcome.error ? `: ${e.outcome.error.split("\n")[0]}` : ""}`);
      if (e.type === "released") console.log(`↩ ${e.run.name} back in the queue: ${e.reason}`);
    },
  });
  let interrupted = 0;
  const stop = async (signal: NodeJS.Signals) => {
    if (++interrupted > 1) process.exit(130);
    console.log(`stopping: runs in progress go back to the queue (${signal === "SIGINT" ? "Ctrl-C again to quit at once" : signal})`);
    await executor.stop({ interrupt: `the agent stopped (${signal})`, graceMs: 5000, deadlineMs: 10_000 });
    await checkpoints.settled?.(10_000);
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void stop(signal));
  await executor.start();
  console.log(`agent ${executor.owner}: ${options.concurrency} worker${options.concurrency > 1 ? "s" : ""}, database ${redact(options.database)}${options.sweep ? `, sweep ${options.sweep}` : ""}`);
  if (!options.sweep && options.maxRuns === undefined) return; // serves every shared sweep until stopped
  // Bound to one sweep, or to a count of runs: exit when the sweep has ended, or the count has
  // been run, and nothing runs here any more.
  for (;;) {
    await executor.runner.untilIdle();
    if (executor.runner.exhausted) break;
    const state = options.sweep ? ((await getSweep(options.sweep))?.state ?? null) : "running";
    if (state === null || ENDED.has(state)) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  await executor.stop();
  await checkpoints.settled?.(60_000);
  console.log(executor.runner.exhausted ? `ran ${options.maxRuns} run${options.maxRuns === 1 ? "" : "s"} (--count); agent exits` : `sweep ${options.sweep} is ${(await getSweep(options.sweep!))?.state ?? "gone"}; agent exits`);
  process.exit(0);
}
