import fs from "node:fs";
import { fail, openTrainer, parseTrainArgs, Progress, exitCodeOf, trainHere, trainUsage, type TrainArgs } from "../engine/terminal";
import { localWorkerInput, findCheckpoint } from "./checkpoints";
import { Coordinator, localOwnerId, Runner, type ClaimedRun, type RunOutcome, type RunQueue } from "./executor";
import { registerLocalOwner } from "./executor/coordinator";
import { planFor } from "./executor/strategy";
import { defaultWorkerCommand, processLauncher } from "./launcher";
import { createRun, DatabaseError, disconnectPrisma, type RunRecord } from "../prisma/store";
import { executorStore } from "../prisma/store/executor-store";
import { registeredCorpusText, registerLocalCorpus } from "../prisma/store/corpora";
import { readCorpusText } from "../engine/files";
import { databaseLabel } from "../prisma/database";

// `npm run train -- [--KEY VALUE ...] [--track [--name NAME]]`: one run from the terminal.
// Without --track it trains in this process and records nothing (engine/terminal.ts). With
// --track the run is recorded in the app's database (DATABASE_URL) like a run the app launched:
// a Run row created already claimed by this process (so no executor takes it), trained by
// the executor's Runner in a worker process, its events written by the Coordinator (live
// metrics, samples, logs, heartbeats, the app's stop button), its end decided by the Runner
// (finished, stopped, diverged, failed, crashed) and its checkpoint in data/checkpoints/.
// Ctrl-C stops the run (it ends `stopped`); a second Ctrl-C kills it (it ends `crashed`).
// Composition root: wires the executor of sweeps/ to the store of prisma/.

const USAGE = `${trainUsage(" [--track [--name NAME]]")}
--track records the run in the app's database (DATABASE_URL, default file:./data/sweeplab.db): it shows up live in \`npm start\``;
const MAX_NAME = 120;

/**
 * A RunQueue that hands out one run (created already claimed) once; the rest is the
 * Coordinator's. The run is never released (the Runner ends an interrupted run `stopped`): no
 * other process would resume a run trained for this terminal.
 */
function oneRunQueue(coordinator: Coordinator, run: ClaimedRun): RunQueue {
  let handedOut = false;
  return {
    claim: async () => (handedOut ? null : ((handedOut = true), run)),
    started: (owner, runId, pid) => coordinator.started(owner, runId, pid),
    report: (owner, report) => coordinator.report(owner, report),
    finish: (owner, runId, outcome) => coordinator.finish(owner, runId, outcome),
    release: () => Promise.reject(new Error("a tracked run is not released")),
  };
}

function checkName(raw: string | true | undefined): string | undefined {
  if (raw === undefined || raw === true) return undefined;
  const name = raw.trim();
  if (!name || name.length > MAX_NAME || /[\u0000-\u001f]/.test(name)) fail(`--name must be 1 to ${MAX_NAME} characters on one line`);
  return name;
}

async function track(args: TrainArgs): Promise<number> {
  const name = checkName(args.extra.name);
  // Every check the untracked run makes (config, corpus, --resume), before anything is recorded.
  // (one thread: this Trainer only checks; the worker process trains with args.threads)
  const checked = openTrainer({ ...args, threads: 1 }).config;
  // A corpus file is registered under a name: the recorded run names it, the worker gets its text.
  const corpusFile = readCorpusText(checked);
  const config = corpusFile === undefined ? checked : { ...checked, corpus: (await registerLocalCorpus(checked.corpus, corpusFile)).name };
  const store = executorStore();
  const owner = localOwnerId();
  const unregister = registerLocalOwner(owner);
  const coordinator = new Coordinator({ store, planFor });
  await coordinator.maintain(); // as every executor does at start: crash the runs of executors that are gone

  const run: RunRecord = await createRun({ name, config, claimedBy: owner });
  // the worker sends the run's console lines (engine/console.ts): print them, format nothing
  const progress = new Progress(config.steps, { format: false });
  progress.line(`run ${run.name} (${run.id}) tracked in ${databaseLabel()}: /runs/${run.id} in the app`);
  let showedError = false;
  let workerDone: { state: string } | null = null;
  let workerPid: number | undefined;
  let ended!: (outcome: RunOutcome) => void;
  const outcome = new Promise<RunOutcome>((resolve) => (ended = resolve));
  const runner = new Runner({
    queue: oneRunQueue(coordinator, { id: run.id, name: run.name, sweepId: null, index: run.index, config: run.config }),
    // (the bundle is rebuilt first when it is older than the engine sources: defaultWorkerCommand)
    launcher: processLauncher({ command: defaultWorkerCommand() }),
    owner,
    concurrency: 1,
    release: false,
    workerInput: (r) => ({ ...localWorkerInput(r), threads: args.threads, ...(args.resume ? { resumeFrom: args.resume } : {}) }),
    corpusText: registeredCorpusText,
    log: (message) => progress.line(`warn: ${message}`),
    onEvent: (e) => {
      if (e.type === "started") workerPid = e.pid;
      else if (e.type === "message") {
        showedError ||= e.message.type === "error";
        if (e.message.type === "done") workerDone = e.message;
        else progress.event(e.message);
      } else if (e.type === "ended") ended(e.outcome);
    },
  });
  runner.start();

  let interrupts = 0;
  const interrupt = async () => {
    if (++interrupts === 1) {
      progress.line(`interrupted: stopping run ${run.id} (Ctrl-C again to quit at once)`);
      runner.stop(run.id, "stopped");
      return;
    }
    if (workerPid !== undefined) {
      try {
        process.kill(workerPid, "SIGKILL");
      } catch {
        // exited already
      }
    }
    await store.crashRuns([run.id], "crashed: interrupted twice from the command line");
    await disconnectPrisma();
    process.exit(130);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void interrupt());

  const result = await outcome;
  await runner.shutdown();
  unregister();
  // (the worker printed its own summary line when the run ended as it said)
  if ((workerDone as { state: string } | null)?.state !== result.state) progress.end(result.state, result.lastStep ?? 0, result.summary ?? {});
  if (result.error && !showedError && (result.state === "failed" || result.state === "crashed")) progress.line(`error: ${result.error}`);
  const checkpoint = findCheckpoint(run.id);
  if (checkpoint && args.checkpoint) {
    fs.copyFileSync(checkpoint, args.checkpoint);
    progress.line(`checkpoint: ${args.checkpoint}`);
  }
  await disconnectPrisma();
  return exitCodeOf(result.state);
}

function main(): void {
  const args = parseTrainArgs(process.argv.slice(2), { usage: USAGE, flags: ["track"], strings: ["name"] });
  if (!args.extra.track) {
    if (args.extra.name !== undefined) fail("--name names a tracked run: add --track");
    return trainHere(args);
  }
  track(args).then(
    (code) => process.exit(code),
    (error) => {
      if (error instanceof DatabaseError) fail(error.message);
      process.stderr.write(`error: ${(error as Error).stack ?? error}\n`);
      process.exit(1);
    },
  );
}

main();
