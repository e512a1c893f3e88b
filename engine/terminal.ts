import { readFileSync } from "node:fs";
import os from "node:os";
import { z } from "zod";
import { RunConfig, RUN_CONFIG_KEYS } from "./config";
import { readCheckpoint, readCorpusText, writeCheckpoint } from "./files";
import type { WorkerMessage } from "./protocol";
import { Trainer } from "./train";

// One run in the terminal (engine/cli.ts, and `npm run train` without --track): argument
// parsing, the config checks, the progress display, and the in-process training loop.
// --key value pairs override the config file; values are read as JSON when they parse
// (numbers, true/false), as strings otherwise; a bare --flag means true. Bad keys or values
// are one-line errors. Progress bar on a terminal, samples and evaluations as lines.
// The progress display takes worker messages too, so a tracked run (sweeps/train-cli.ts,
// trained in a worker process) prints the same lines.

export function trainUsage(extra = ""): string {
  return `usage: npm run train -- [--config run.json] [--KEY VALUE ...] [--checkpoint PATH] [--resume PATH] [--threads 1|2]${extra}
keys: ${RUN_CONFIG_KEYS.join(", ")}`;
}

export function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

export interface TrainArgs {
  config: Record<string, unknown>;
  checkpoint?: string;
  resume?: string;
  /**
   * Threads for the matrix products: --threads, else 2 when a core is idle for the second thread
   * (defaultThreads); the server keeps 1 per run.
   */
  threads: 1 | 2;
  /** The caller's own options (`options.flags`: true when given; `options.strings`: the value). */
  extra: Record<string, string | true>;
}

export interface ArgOptions {
  usage?: string;
  /** Options without a value (e.g. "track"). */
  flags?: string[];
  /** Options with a value (e.g. "name"). */
  strings?: string[];
}

export function parseTrainArgs(argv: string[], options: ArgOptions = {}): TrainArgs {
  const usage = options.usage ?? trainUsage();
  const config: Record<string, unknown> = {};
  const extra: Record<string, string | true> = {};
  let checkpoint: string | undefined, resume: string | undefined, file: Record<string, unknown> = {};
  let threads = defaultThreads();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") {
      process.stdout.write(usage + "\n");
      process.exit(0);
    }
    if (!arg.startsWith("--")) fail(`unexpected argument ${JSON.stringify(arg)}\n${usage}`);
    const eq = arg.indexOf("=");
    const key = arg.slice(2, eq > 0 ? eq : undefined);
    if (options.flags?.includes(key)) {
      if (eq > 0) fail(`--${key} takes no value`);
      extra[key] = true;
      continue;
    }
    let value: string | undefined = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (value === undefined && i + 1 < argv.length && !argv[i + 1].startsWith("--")) value = argv[++i];
    if (options.strings?.includes(key)) {
      if (value === undefined) fail(`--${key} needs a value`);
      extra[key] = value;
      continue;
    }
    if (key === "threads") {
      if (value !== "1" && value !== "2") fail(`--threads: expected 1 or 2, got ${value === undefined ? "nothing" : JSON.stringify(value)}`);
      threads = value === "1" ? 1 : 2;
      continue;
    }
    if (key === "config" || key === "checkpoint" || key === "resume") {
      if (!value) fail(`--${key} needs a path`);
      if (key === "config") {
        try {
          file = JSON.parse(readFileSync(value, "utf8"));
        } catch (e) {
          fail(`--config ${value}: ${(e as Error).message}`);
        }
      } else if (key === "checkpoint") checkpoint = value;
      else resume = value;
      continue;
    }
    config[key] = value === undefined ? true : parseValue(value);
  }
  return { config: { ...file, ...config }, checkpoint, resume, threads, extra };
}

/**
 * 2 when the machine has two cores or more and the 1-minute load average leaves one of them idle
 * (a single run started from the terminal usually has the machine; a second thread on a core
 * that other processes keep busy costs more than it gives), else 1.
 */
export function defaultThreads(cores = os.availableParallelism(), load = os.loadavg()[0]): 1 | 2 {
  return cores >= 2 && load <= cores - 1.25 ? 2 : 1;
}

function parseValue(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

function describeError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue.code === "unrecognized_keys") return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `--${k}`).join(", ")} (see --help)`;
  return `--${issue.path.join(".")}: ${issue.message}`;
}

/** The run's Trainer, after every check a run makes before its first step (config, corpus, --resume); one-line errors. */
export function openTrainer(args: TrainArgs): Trainer {
  const parsed = RunConfig.safeParse(args.config);
  if (!parsed.success) fail(describeError(parsed.error));
  const config = parsed.data;
  let resume;
  if (args.resume) {
    try {
      resume = readCheckpoint(args.resume);
    } catch (e) {
      fail(`--resume ${args.resume}: ${(e as Error).message}`);
    }
  }
  let corpusText: string | undefined;
  try {
    corpusText = readCorpusText(config);
  } catch (e) {
    fail(`--${(e as Error).message}`); // "corpus: cannot read …"
  }
  try {
    return new Trainer(config, { corpusText, resume, threads: args.threads });
  } catch (e) {
    fail((e as Error).message);
  }
}

function bar(step: number, total: number, width = 30): string {
  const filled = Math.round((width * Math.min(step, total)) / total);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${step}/${total}`;
}

const fmt = (x: number | null | undefined) => (typeof x !== "number" ? "-" : Number.isInteger(x) ? String(x) : x.toPrecision(4));

/** The terminal display of a run: a progress bar on a terminal, evaluations, samples and logs as lines. */
export class Progress {
  private readonly tty = process.stdout.isTTY;
  private trainLoss: number | null = null;
  private valLoss: number | null = null;
  private speed: number | null = null;

  constructor(private readonly steps: number) {}

  private status(step: number): void {
    const { trainLoss, valLoss, speed } = this;
    if (this.tty) process.stdout.write(`\r${bar(step, this.steps)} loss ${fmt(trainLoss)} val ${fmt(valLoss)} ${speed ? `${Math.round(speed)} tok/s` : ""}\x1b[K`);
  }

  line(s: string): void {
    process.stdout.write(`${this.tty ? "\r\x1b[K" : ""}${s}\n`);
  }

  /** Show one event of the run (its `done` is shown by `end`). */
  event(ev: WorkerMessage): void {
    switch (ev.type) {
      case "heartbeat":
        this.status(ev.step);
        break;
      case "metric":
        if (ev.values.train_loss !== undefined) [this.trainLoss, this.speed] = [ev.values.train_loss, ev.values.throughput ?? null];
        if (ev.values.val_loss !== undefined) {
          this.valLoss = ev.values.val_loss;
          const acc = ev.values.val_acc !== undefined ? `  val_acc ${fmt(ev.values.val_acc)}` : "";
          this.line(`step ${ev.step}  train_loss ${fmt(this.trainLoss)}  val_loss ${fmt(this.valLoss)}${acc}`);
        } else if (!this.tty) this.line(`step ${ev.step}  train_loss ${fmt(this.trainLoss)}  grad_norm ${fmt(ev.values.grad_norm)}  ${Math.round(this.speed ?? 0)} tok/s`);
        this.status(ev.step);
        break;
      case "sample":
        this.line(`--- sample at step ${ev.step} (temperature ${ev.temperature})\n${ev.text}\n---`);
        break;
      case "log":
        this.line(`${ev.level}: ${ev.message}`);
        break;
      case "error":
        this.line(`error: ${ev.message}`);
        break;
    }
  }

  /** The final line: how the run ended and its summary. */
  end(state: string, step: number, summary: Record<string, number | null>): void {
    const values = Object.entries(summary).map(([k, v]) => `${k} ${fmt(v)}`);
    this.line(`${state} at step ${step}${values.length ? `: ${values.join("  ")}` : ""}`);
  }
}

/** Exit code of a run that ended in `state` (the worker's codes: finished 0, stopped 3, diverged 4). */
export function exitCodeOf(state: string): number {
  return state === "finished" ? 0 : state === "stopped" ? 3 : state === "diverged" ? 4 : 1;
}

/** Train in this process, recording nothing: the untracked `npm run train`. */
export function trainHere(args: TrainArgs): void {
  const trainer = openTrainer(args);
  const progress = new Progress(trainer.config.steps);
  process.on("SIGINT", () => trainer.requestStop());
  for (const ev of trainer.run()) {
    if (ev.type !== "done") {
      progress.event(ev);
      continue;
    }
    if (args.checkpoint) writeCheckpoint(args.checkpoint, trainer.checkpoint());
    progress.end(ev.state, ev.step, ev.summary);
    if (args.checkpoint) progress.line(`checkpoint: ${args.checkpoint}`);
    process.exitCode = exitCodeOf(ev.state);
  }
}
