import { readFileSync } from "node:fs";
import os from "node:os";
import * as z from "zod";
import { RunConfig, RUN_CONFIG_KEYS } from "./config";
import { readCheckpoint, readCorpusText, userPath, writeCheckpoint } from "./files";
import { ConsoleFormatter, consoleText, fmt, summaryLine } from "./console";
import type { WorkerMessage } from "./protocol";
import { Trainer } from "./train";

// One run in the terminal (engine/cli.ts, and `npm run train` without --track): argument
// parsing, the config checks, the progress display, and the in-process training loop.
// --key value pairs override the config file; values are read as JSON when they parse
// (numbers, true/false), as strings otherwise; a bare --flag means true. Bad keys or values
// are one-line errors. The run's console lines (engine/console.ts), a progress bar on a terminal.
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
  /** --checkpoint and --resume, absolute: made so from where the command was typed (userPath). */
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
          file = JSON.parse(readFileSync(userPath(value), "utf8"));
        } catch (e) {
          fail(`--config ${value}: ${(e as Error).message}`);
        }
      } else if (key === "checkpoint") checkpoint = userPath(value);
      else resume = userPath(value);
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

/**
 * The terminal display of a run: its console lines (engine/console.ts, the same lines as the
 * app's Logs tab) and, on a terminal, a progress bar under them. A run trained in this process
 * formats its events here (`format`); a tracked run's worker sends its console lines as log
 * messages, so they are only printed.
 */
export class Progress {
  private readonly tty = process.stdout.isTTY;
  private readonly formatter: ConsoleFormatter | null;
  private trainLoss: number | null = null;
  private valLoss: number | null = null;
  private speed: number | null = null;

  constructor(private readonly steps: number, options: { format: boolean } = { format: true }) {
    this.formatter = options.format ? new ConsoleFormatter() : null;
  }

  private status(step: number): void {
    const { trainLoss, valLoss, speed } = this;
    if (this.tty) process.stdout.write(`\r${bar(step, this.steps)} loss ${fmt(trainLoss)} val ${fmt(valLoss)} ${speed ? `${Math.round(speed)} tok/s` : ""}\x1b[K`);
  }

  line(s: string): void {
    process.stdout.write(`${this.tty ? "\r\x1b[K" : ""}${s}\n`);
  }

  /** Show one event of the run: its console lines, then the progress bar. */
  event(ev: WorkerMessage): void {
    for (const l of this.formatter?.lines(ev) ?? []) this.line(consoleText(l));
    switch (ev.type) {
      case "heartbeat":
        this.status(ev.step);
        break;
      case "metric":
        if (ev.values.train_loss != null) [this.trainLoss, this.speed] = [ev.values.train_loss, ev.values.throughput ?? null];
        if (ev.values.val_loss != null) this.valLoss = ev.values.val_loss;
        this.status(ev.step);
        break;
      case "log":
        this.line(consoleText(ev));
        break;
      case "error":
        this.line(`error: ${ev.message}`);
        break;
    }
  }

  /** A last line for an end the run did not print itself (a tracked run that crashed, or ended otherwise than its worker said). */
  end(state: string, step: number, summary: Record<string, number | null>): void {
    this.line(summaryLine(state, step, summary));
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
    progress.event(ev);
    if (ev.type !== "done") continue;
    if (args.checkpoint) {
      writeCheckpoint(args.checkpoint, trainer.checkpoint());
      progress.line(`checkpoint: ${args.checkpoint}`);
    }
    process.exitCode = exitCodeOf(ev.state);
  }
}
