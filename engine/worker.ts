import "./worker-setup";
import { ConsoleFormatter } from "./console";
import { readCheckpoint, writeCheckpoint } from "./files";
import { EXIT, formatServed, formatWorkerMessage, pendingCheckpointPath, WorkerInput, type WorkerMessage } from "./protocol";
import { systemMetrics, type ProcessSample } from "./system-metrics";
import { Trainer } from "./train";

// The child-process entry of one run. The parent writes one WorkerInput JSON document to
// stdin; the worker answers with protocol lines on stdout (protocol.ts) and exits with an
// EXIT code: finished 0, error 1 (a bug), badInput 2 (invalid input, missing corpus text,
// unreadable checkpoint), stopped 3 (SIGTERM), diverged 4.
//
//   node --import tsx engine/worker.ts < input.json      (or the bundled dist/worker.cjs)
//
// SIGTERM asks the trainer to stop before its next step; the run then ends like any other
// (final summary, checkpoint if checkpointPath was given, done{state:"stopped"}). SIGINT does
// the same: a Ctrl-C in the terminal of a CLI (npm run train -- --track, npm run sweep) reaches
// its workers too, and their runs should end stopped, not killed mid-step. Training
// yields to the event loop every few milliseconds so the signal is seen.
//
// The parent takes a worker that writes nothing for a while for hung (sweeps/executor/
// runner.ts), so the worker writes a heartbeat line at least once a second whenever it is
// between two pieces of work: weight initialisation, steps, evaluation batches, sampled
// characters. One piece cannot be interrupted, and one training step of a large model takes
// longer than the parent's default patience (hidden 1024, batch 64, seq 256: ~10 s), so each
// heartbeat also announces `stepMs`, the longest stretch the trainer has spent between two
// events so far (before the first step: the trainer's pessimistic guess), and the parent
// scales its patience with it. Before writing the checkpoint it announces that write.
//
// Checkpoints: the final one (checkpointPath), and with checkpointEveryMs one at the first step
// boundary after each interval, so that a kill -9 loses at most about that much training. Each
// is announced by a checkpoint line once complete. With checkpointCommit each goes beside
// checkpointPath under its step, for the parent to put in place once it has stored everything
// the run logged up to it (sweeps/checkpoints.ts). A checkpoint that cannot be written (a full
// disk) is a warning in the run's log, not the run's end.

const HEARTBEAT_MS = 1000;
const YIELD_MS = 20;
/** Checkpoint writing per parameter (ms): ~0.25 µs measured (17 M parameters, Adam: 4 s); announced 4× that. */
const CHECKPOINT_MS_PER_PARAM = 1e-3;
/** Periodic checkpoints are at least this many times their own write time apart (≤ 5% of the run spent writing). */
const CHECKPOINT_SPACING = 20;

function send(message: WorkerMessage): void {
  process.stdout.write(formatWorkerMessage(message) + "\n");
}

function exit(code: number): void {
  // flush stdout before leaving (pipes may be asynchronous on some platforms)
  process.stdout.write("", () => process.exit(code));
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const ioMessage = (e: unknown) =>
  (e as NodeJS.ErrnoException).code === "ENOSPC" ? `disk full (${(e as Error).message})` : (e as Error).message;

function badInput(message: string): number {
  send({ type: "error", message });
  return EXIT.badInput;
}

/**
 * `--serve` (sweeps/launcher.ts starts its own workers so): one WorkerInput per line, run one
 * after the other in this process, each followed by a `served` line with its exit code — the
 * next run of a sweep starts without a new process, its wasm compiled and its code warm. A
 * run stopped by a signal, or one that failed with an error, ends the process as without
 * --serve; so does the end of stdin, and a signal between two runs.
 */
const serving = process.argv.includes("--serve");

/** The run being trained (SIGTERM / SIGINT stop it), whether a run is in hand, and whether a signal came. */
let current: Trainer | null = null;
let busy = false;
let signalled = false;
for (const signal of ["SIGTERM", "SIGINT"] as const)
  process.on(signal, () => {
    signalled = true;
    if (current) current.requestStop();
    else if (serving && !busy) exit(EXIT.stopped);
  });
// The parent is gone (killed -9): nobody reads this run any more, and a new executor resumes it.
process.stdout.on("error", () => process.exit(EXIT.stopped));

/** One run from its WorkerInput text; resolves to its exit code (EXIT). */
async function runOne(text: string): Promise<number> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return badInput(`input is not JSON: ${(e as Error).message}`);
  }
  const parsed = WorkerInput.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return badInput(`invalid input at ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const input = parsed.data;
  let lastBeat = 0;
  /** A heartbeat line, at most one a second unless `now` (a new announcement). */
  const beat = (step: number, stepMs?: number, now = false) => {
    if (!now && Date.now() - lastBeat < HEARTBEAT_MS) return;
    send(stepMs === undefined ? { type: "heartbeat", step } : { type: "heartbeat", step, stepMs: Math.ceil(stepMs) });
    lastBeat = Date.now();
  };
  let trainer: Trainer;
  try {
    // (a corpus comes as text in the input, never as a path to read: the Trainer refuses a
    // charlm config naming another corpus without its text)
    const corpusText = input.config.task === "charlm" && input.config.corpus !== "builtin" ? input.corpusText : undefined;
    const resume = input.resumeFrom ? readCheckpoint(input.resumeFrom) : undefined;
    trainer = new Trainer(input.config, { corpusText, resume, threads: input.threads, onProgress: () => beat(resume?.step ?? 0) });
  } catch (e) {
    return badInput((e as Error).message);
  }
  current = trainer;
  if (signalled) trainer.requestStop(); // (a signal that came while it was being built)

  const consoleLines = new ConsoleFormatter(); // the run's console output, as log lines (the app's Logs tab)
  const firstStep = trainer.step, guess = trainer.stepTimeGuessMs();
  let longest = 0; // ms, the longest the trainer took to produce an event
  const expected = () => (trainer.step > firstStep ? longest : Math.max(longest, guess));
  let lastCheckpoint = Date.now(), writeMs = 0;
  /** Write a checkpoint after `step` steps and announce it; its path, or undefined when it could not be written. */
  const checkpoint = (step: number): string | undefined => {
    const target = input.checkpointCommit ? pendingCheckpointPath(input.checkpointPath!, step) : input.checkpointPath!;
    beat(step, Math.max(expected(), trainer.model.params.size * CHECKPOINT_MS_PER_PARAM, 2 * writeMs), true);
    const started = Date.now();
    try {
      writeCheckpoint(target, trainer.checkpoint());
    } catch (e) {
      send({ type: "log", level: "warn", step, message: `checkpoint at step ${step} not written: ${ioMessage(e)}` });
      return undefined;
    } finally {
      lastCheckpoint = Date.now();
      writeMs = lastCheckpoint - started;
    }
    send({ type: "checkpoint", step, path: target });
    return target;
  };
  const periodic = input.checkpointPath ? (input.checkpointEveryMs ?? 0) : 0;
  beat(trainer.step, expected(), true);
  if (input.resumeFrom) send({ type: "log", level: "info", step: trainer.step, message: `resumed from the checkpoint at step ${trainer.step}` });
  let lastYield = Date.now(), mark = Date.now();
  const sample = (step: number): ProcessSample => {
    const cpu = process.cpuUsage();
    return { wallMs: performance.now(), step, cpuMicros: cpu.user + cpu.system, rssBytes: process.memoryUsage.rss() };
  };
  let lastSample = sample(trainer.step);
  for (const event of trainer.run()) {
    longest = Math.max(longest, Date.now() - mark);
    if (event.type === "done") {
      const checkpointPath = input.checkpointPath ? checkpoint(event.step) : undefined;
      for (const line of consoleLines.lines(event)) send(line);
      send(checkpointPath ? { ...event, checkpointPath } : event);
      return EXIT[event.state];
    }
    if (event.type !== "heartbeat") {
      send(event);
      for (const line of consoleLines.lines(event)) send(line);
      // at each training log line: the system metrics since the previous one (engine/system-metrics.ts)
      if (event.type === "metric" && event.values.train_loss !== undefined) {
        const now = sample(event.step);
        const values = systemMetrics(lastSample, now);
        if (values) send({ type: "metric", step: event.step, time: event.time, values });
        lastSample = now;
      }
    } else {
      beat(event.step, expected());
      // at a step boundary (not inside an evaluation or a sample)
      if (periodic > 0 && event.pass === undefined && Date.now() - lastCheckpoint >= Math.max(periodic, CHECKPOINT_SPACING * writeMs)) checkpoint(event.step);
      if (Date.now() - lastYield >= YIELD_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = Date.now();
      }
    }
    mark = Date.now();
  }
  return EXIT.error; // (the trainer always ends with done)
}

async function serve(): Promise<void> {
  // (loaded here, not imported: a worker for one run does without it, ~1 ms sooner to its first line)
  const readline = process.getBuiltinModule("node:readline");
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === "") continue;
    busy = true;
    const code = await runOne(line);
    // (a run on two threads stops its helper thread: the next run brings its own)
    (current?.backend as { dispose?: () => void } | undefined)?.dispose?.();
    [current, busy] = [null, false];
    process.stdout.write(formatServed(code) + "\n");
    if (signalled || code === EXIT.error || code === EXIT.stopped) return exit(code);
  }
  exit(EXIT.finished);
}

function fail(e: unknown): void {
  send({ type: "error", message: e instanceof Error ? `${e.message}\n${e.stack ?? ""}` : String(e) });
  if (serving) process.stdout.write(formatServed(EXIT.error) + "\n");
  exit(EXIT.error);
}

if (serving) serve().catch(fail);
else
  readStdin()
    .then(runOne)
    .then(exit, fail);
