import * as z from "zod";
import { RunConfig } from "./config";

// The worker protocol: what a parent sends to engine/worker.ts and what the worker writes
// back, one JSON object per line on stdout. Both ends derive their types from these schemas
// and the reading side validates every line (parseWorkerMessage).

/** Sent by the parent as one JSON document on the worker's stdin. */
export const WorkerInput = z.strictObject({
  config: RunConfig,
  /** Where to write the final checkpoint (on SIGTERM and at the end); none = don't. */
  checkpointPath: z.string().optional(),
  /**
   * Also write a checkpoint at the first step boundary after every this-many milliseconds (a
   * kill -9 then loses at most about that much training). Needs checkpointPath. The interval
   * grows to 20× the time one write takes, so that big models spend under 5% writing.
   */
  checkpointEveryMs: z.number().int().positive().optional(),
  /**
   * Write every checkpoint (periodic and final) to pendingCheckpointPath(checkpointPath, step)
   * instead of checkpointPath, for the parent to move into place once everything the run logged
   * up to that step is stored: a run resumed from it then repeats and misses nothing.
   */
  checkpointCommit: z.boolean().optional(),
  /** Resume from this checkpoint instead of starting fresh. */
  resumeFrom: z.string().optional(),
  /** Threads for the matrix products (TrainOptions.threads; the executor leaves it at 1). */
  threads: z.union([z.literal(1), z.literal(2)]).optional(),
  /**
   * The text of config.corpus (charlm, other than builtin). The worker never reads a corpus
   * path: whoever launches it resolves the name (the database, or the server for an agent).
   */
  corpusText: z.string().optional(),
});
export type WorkerInput = z.infer<typeof WorkerInput>;

const finite = z.number().refine(Number.isFinite, "must be finite");

/** Longest metric name (W&B-style names such as `val/loss` or `eval/acc@1` are far shorter). */
export const METRIC_NAME_MAX = 128;
/** Most metrics one message may carry. */
export const METRICS_PER_MESSAGE_MAX = 256;
export const MetricName = z.string().min(1).max(METRIC_NAME_MAX, `metric names are at most ${METRIC_NAME_MAX} characters`);
/** Summary keys are metric names with a suffix (`val_loss_best_step`). */
const SummaryKey = z.string().min(1).max(METRIC_NAME_MAX + 32);
export const Summary = z.record(SummaryKey, z.number().or(z.null())).refine((s) => Object.keys(s).length <= 4 * METRICS_PER_MESSAGE_MAX, "too many summary keys");

export const MetricMessage = z.strictObject({
  type: z.literal("metric"),
  step: z.number().int().nonnegative(),
  /** Seconds since the run started. */
  time: z.number().nonnegative(),
  /** train_loss, val_loss, val_acc, grad_norm, lr, throughput, ... (non-finite values are allowed: they mark divergence). */
  values: z.record(MetricName, z.number().or(z.null())).refine((v) => Object.keys(v).length <= METRICS_PER_MESSAGE_MAX, `at most ${METRICS_PER_MESSAGE_MAX} metrics per message`),
});

export const SampleMessage = z.strictObject({
  type: z.literal("sample"),
  step: z.number().int().nonnegative(),
  temperature: finite,
  text: z.string(),
});

export const LogMessage = z.strictObject({
  type: z.literal("log"),
  // stderr: a line a program wrote to its stderr — Python's tracebacks, tqdm's bars and logging
  // output go there, so it is no warning (the runner's own warnings stay "warn")
  level: z.enum(["debug", "info", "warn", "error", "stderr"]),
  message: z.string(),
  step: z.number().int().nonnegative().optional(),
});

/** Structured diagnostics: `grad_flow` (‖∂L/∂h_t‖ per t), `saturation`, `activations`, ... */
export const DiagnosticMessage = z.strictObject({
  type: z.literal("diagnostic"),
  step: z.number().int().nonnegative(),
  kind: z.string().min(1),
  data: z.unknown(),
});

/**
 * Written at least once a second while the worker is between two pieces of work (see
 * worker.ts), so a silent worker can be detected.
 */
export const HeartbeatMessage = z.strictObject({
  type: z.literal("heartbeat"),
  step: z.number().int().nonnegative(),
  /**
   * How long one piece of work may keep the worker silent (ms): the longest it has taken so far —
   * about one training step — or, before the first step, a pessimistic guess. The parent waits
   * that much longer (times a safety factor) before it takes the worker for hung.
   */
  stepMs: z.number().nonnegative().optional(),
});

export const TERMINAL_STATES = ["finished", "diverged", "stopped"] as const;

export const DoneMessage = z.strictObject({
  type: z.literal("done"),
  state: z.enum(TERMINAL_STATES),
  step: z.number().int().nonnegative(),
  summary: Summary,
  /** e.g. "diverged at step 132: loss is NaN" */
  message: z.string().optional(),
  checkpointPath: z.string().optional(),
});

/**
 * A checkpoint of the run after `step` steps is complete at `path` (written after every event of
 * that step, so everything the run logged up to it came before this line).
 */
export const CheckpointMessage = z.strictObject({
  type: z.literal("checkpoint"),
  step: z.number().int().nonnegative(),
  path: z.string(),
});

export const ErrorMessage = z.strictObject({
  type: z.literal("error"),
  message: z.string(),
});

export const WorkerMessage = z.discriminatedUnion("type", [
  MetricMessage,
  SampleMessage,
  LogMessage,
  DiagnosticMessage,
  HeartbeatMessage,
  CheckpointMessage,
  DoneMessage,
  ErrorMessage,
]);
export type WorkerMessage = z.infer<typeof WorkerMessage>;
export type MetricEvent = z.infer<typeof MetricMessage>;
export type DoneEvent = z.infer<typeof DoneMessage>;

/** Where a worker told to commit checkpoints (WorkerInput.checkpointCommit) writes the one of `step`: beside checkpointPath. */
export function pendingCheckpointPath(checkpointPath: string, step: number): string {
  return `${checkpointPath.replace(/\.json$/, "")}.step-${step}.json`;
}

/** Exit codes of engine/worker.ts. */
export const EXIT = {
  finished: 0,
  error: 1,
  badInput: 2,
  stopped: 3,
  diverged: 4,
} as const;

/** Parse one stdout line of a worker. Throws with a readable message on bad input. */
export function parseWorkerMessage(line: string): WorkerMessage {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new Error(`worker wrote a line that is not JSON: ${line.slice(0, 200)}`);
  }
  const parsed = WorkerMessage.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`worker message invalid at ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

/** Serialise a message for stdout: non-finite numbers become null (JSON has no NaN). */
export function formatWorkerMessage(message: WorkerMessage): string {
  return JSON.stringify(message, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v));
}

/**
 * A worker started with `--serve` runs one WorkerInput per stdin line and, after each, writes
 * this line with the run's exit code (EXIT) instead of exiting. Not a WorkerMessage: the
 * launcher reads it and never passes it on.
 */
export const ServedMessage = z.strictObject({ type: z.literal("served"), code: z.number().int() });

export function formatServed(code: number): string {
  return JSON.stringify({ type: "served", code });
}

/** The exit code a `served` line carries; null for any other line. */
export function servedCode(line: string): number | null {
  if (!line.startsWith('{"type":"served"')) return null;
  try {
    const parsed = ServedMessage.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data.code : null;
  } catch {
    return null;
  }
}
