import { formatWorkerMessage, pendingCheckpointPath, WorkerInput, EXIT, type WorkerMessage } from "../../engine/protocol";
import fs from "node:fs";

// A stand-in for engine/worker.ts that speaks the same protocol but trains nothing: it reads
// a WorkerInput on stdin and writes metric lines on a synthetic curve, so executor tests run
// fast and can provoke failures. Behaviour is chosen by the config (per run) and env:
//   hidden_size 13  → goes silent (no output, no exit) after step 3: a hung worker
//   hidden_size 14  → a slow step: at step 3 announces steps of FAKE_SLOW_STEP_MS (heartbeat
//                     stepMs, as the engine does for a large model), is silent that long, goes on
//   hidden_size 15  → announces steps of FAKE_SLOW_STEP_MS at step 3, then hangs silently
//   hidden_size 66  → writes an error message and exits with EXIT.error
//   hidden_size 77  → exits with code 1 without writing anything useful (a crash)
//   learning_rate   → the curve: val_loss = 1 + |log10(lr) + 2| + 2·exp(-step/20)
//   FAKE_STEP_MS    → milliseconds per step (default 5)
//   FAKE_SLOW_STEP_MS → the slow step of hidden_size 14 and 15 (default 2000)
//   FAKE_WORKER_LOG → a file to which each run appends "<seed> <pid>" when it starts
//                     ("<seed> <pid> <step>" when it resumes from a checkpoint at <step>)
// SIGTERM (or SIGINT) → a `done` message with state "stopped" and exit code EXIT.stopped, like
// the engine. Checkpoints as the engine writes them (checkpointPath, checkpointEveryMs,
// checkpointCommit, resumeFrom), holding only {"step": K}: the curve is a function of the step,
// so a resumed run logs exactly what the uninterrupted one would.

const stepMs = Number(process.env.FAKE_STEP_MS ?? 5);
const slowStepMs = Number(process.env.FAKE_SLOW_STEP_MS ?? 2000);
const write = (m: WorkerMessage) => process.stdout.write(formatWorkerMessage(m) + "\n");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hang = () => new Promise(() => setInterval(() => {}, 1000)); // silently, for ever

async function readStdin(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

async function main(): Promise<void> {
  const parsed = WorkerInput.safeParse(JSON.parse(await readStdin()));
  if (!parsed.success) {
    write({ type: "error", message: `bad input: ${parsed.error.issues[0].message}` });
    process.exit(EXIT.badInput);
  }
  const { config, checkpointPath, checkpointEveryMs, checkpointCommit, resumeFrom } = parsed.data;
  const first = resumeFrom ? (JSON.parse(fs.readFileSync(resumeFrom, "utf8")) as { step: number }).step : 0;
  if (process.env.FAKE_WORKER_LOG) fs.appendFileSync(process.env.FAKE_WORKER_LOG, `${config.seed} ${process.pid}${resumeFrom ? ` ${first}` : ""}\n`);
  let stopping = false;
  process.on("SIGTERM", () => (stopping = true));
  process.on("SIGINT", () => (stopping = true));
  let lastCheckpoint = Date.now();
  const checkpoint = (step: number): string | undefined => {
    if (!checkpointPath) return undefined;
    const file = checkpointCommit ? pendingCheckpointPath(checkpointPath, step) : checkpointPath;
    lastCheckpoint = Date.now();
    try {
      fs.writeFileSync(`${file}.tmp-${process.pid}`, JSON.stringify({ step }));
      fs.renameSync(`${file}.tmp-${process.pid}`, file);
    } catch (error) {
      // as the engine: a warning, not the run's end
      fs.rmSync(`${file}.tmp-${process.pid}`, { force: true });
      write({ type: "log", level: "warn", step, message: `checkpoint at step ${step} not written: ${(error as Error).message}` });
      return undefined;
    }
    write({ type: "checkpoint", step, path: file });
    lastCheckpoint = Date.now();
    return file;
  };
  const started = Date.now();
  const time = () => (Date.now() - started) / 1000;
  const offset = 1 + Math.abs(Math.log10(config.learning_rate) + 2);
  const summary: Record<string, number | null> = {};
  write({ type: "log", level: "info", message: `fake worker: ${config.steps} steps` });
  if (resumeFrom) write({ type: "log", level: "info", step: first, message: `resumed from the checkpoint at step ${first}` });
  let lastBeat = Date.now();
  for (let step = first + 1; step <= config.steps; step++) {
    if (stopping) {
      const path = checkpoint(step - 1);
      write({ type: "done", state: "stopped", step: step - 1, summary, ...(path ? { checkpointPath: path } : {}) });
      process.exit(EXIT.stopped);
    }
    if (config.hidden_size === 13 && step > 3) await hang();
    if ((config.hidden_size === 14 || config.hidden_size === 15) && step === 3) {
      write({ type: "heartbeat", step: step - 1, stepMs: slowStepMs });
      if (config.hidden_size === 15) await hang();
      await sleep(slowStepMs);
    }
    if (config.hidden_size === 66 && step === 3) {
      write({ type: "error", message: "fake failure at step 3" });
      process.exit(EXIT.error);
    }
    if (config.hidden_size === 77 && step === 3) {
      process.stderr.write("Segmentation fault (pretend)\n");
      process.exit(139);
    }
    await sleep(stepMs);
    const values: Record<string, number> = {};
    if (step % config.log_every === 0) values.train_loss = offset + 2 * Math.exp(-step / 20) + 0.05;
    if (step % config.eval_every === 0) {
      values.val_loss = offset + 2 * Math.exp(-step / 20);
      summary.val_loss = values.val_loss;
    }
    if (Object.keys(values).length > 0) write({ type: "metric", step, time: time(), values });
    else if (Date.now() - lastBeat > 1000) write({ type: "heartbeat", step });
    if (Object.keys(values).length > 0) lastBeat = Date.now();
    if (checkpointEveryMs && Date.now() - lastCheckpoint >= checkpointEveryMs) checkpoint(step);
  }
  const path = checkpoint(config.steps);
  write({ type: "done", state: "finished", step: config.steps, summary, ...(path ? { checkpointPath: path } : {}) });
  process.exit(EXIT.finished);
}

main().catch((error) => {
  process.stderr.write(String(error?.stack ?? error) + "\n");
  process.exit(EXIT.error);
});
