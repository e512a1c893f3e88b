import * as z from "zod";
import { DiagnosticMessage, LogMessage, MetricMessage, SampleMessage, Summary } from "../engine/protocol";

// The one way a run's data comes in: batches of events, each for one run, numbered per run.
// The local Runner's reports, a remote agent's reports (over HTTP) and, later, the logging
// clients all send these; prisma/store appends them (appendRunEvents), one transaction per
// report, and a batch whose sequence number it has stored already is skipped, so a resend —
// after a timeout whose answer was lost, a retry after a full disk — is a no-op.
//
// Within a run, events come in the order the run logged them, and a batch is never changed
// once it has its number. Besides events, a batch may say:
//   resumedFrom  the run (re)started at this step: what it had logged after that step is
//                dropped first (it logs it again), so a resumed curve repeats no step;
//   checkpoint   a checkpoint of the run at this step exists, and every event up to it is in
//                this batch or an earlier one: the run may resume from it;
//   summary      keys set over the summary folded from the points (`run.summary[k] = v`);
//   config       keys merged into a program run's config (`wandb.config.update`).

const MAX_EVENTS = 10_000;

export const RunEventBatch = z.strictObject({
  runId: z.string().regex(/^[0-9a-z]{4,32}$/, "must be an id"),
  /** Per run, increasing; a batch whose number is not above the last one stored is skipped. Absent: always appended (fixtures, imports). */
  seq: z.number().int().positive().optional(),
  /** Numbered apart: "client", a program's client through the logging API (Run.clientSeq); absent, the run's runner (Run.ingestSeq). */
  stream: z.literal("client").optional(),
  resumedFrom: z.number().int().nonnegative().optional(),
  metrics: z.array(MetricMessage.omit({ type: true })).max(MAX_EVENTS).optional(),
  samples: z.array(SampleMessage.omit({ type: true })).max(MAX_EVENTS).optional(),
  logs: z.array(LogMessage.omit({ type: true })).max(MAX_EVENTS).optional(),
  diagnostics: z.array(DiagnosticMessage.omit({ type: true })).max(MAX_EVENTS).optional(),
  checkpoint: z.number().int().nonnegative().optional(),
  summary: Summary.optional(),
  config: z.record(z.string().min(1).max(256), z.unknown()).optional(),
});
export type RunEventBatch = z.infer<typeof RunEventBatch>;

/** A batch sent over the network: numbered. */
export const NumberedRunEventBatch = RunEventBatch.extend({ seq: z.number().int().positive() });

/**
 * The most points one report may carry: ~10,000 metric values take the store a few tens of ms,
 * so no report holds the database (or the server answering it) for long. Senders cut their
 * backlog into batches of at most this much (sealBatches); the server refuses bigger reports.
 */
export const REPORT_MAX_POINTS = 10_000;

/** What an event weighs against REPORT_MAX_POINTS: a metric line its values, a diagnostic 10, anything else 1. */
export type Event =
  | { kind: "metric"; body: NonNullable<RunEventBatch["metrics"]>[number] }
  | { kind: "sample"; body: NonNullable<RunEventBatch["samples"]>[number] }
  | { kind: "log"; body: NonNullable<RunEventBatch["logs"]>[number] }
  | { kind: "diagnostic"; body: NonNullable<RunEventBatch["diagnostics"]>[number] }
  | { kind: "checkpoint"; step: number };

export function eventWeight(event: Event): number {
  if (event.kind === "metric") return Math.max(1, Object.keys(event.body.values).length);
  if (event.kind === "diagnostic") return 10;
  return event.kind === "checkpoint" ? 0 : 1;
}

export function batchWeight(batch: RunEventBatch): number {
  let weight = 0;
  for (const m of batch.metrics ?? []) weight += Math.max(1, Object.keys(m.values).length);
  return weight + (batch.samples?.length ?? 0) + (batch.logs?.length ?? 0) + 10 * (batch.diagnostics?.length ?? 0);
}

/**
 * Cut a run's events (in the order it logged them) into batches of at most `maxPoints`, numbered
 * from `firstSeq`. `resumedFrom` goes with the first batch (a batch of its own when there are no
 * events). A checkpoint is marked on the batch it falls in (every event before it is in that batch or an earlier one).
 */
export function sealBatches(runId: string, events: Event[], firstSeq: number, options: { resumedFrom?: number; maxPoints?: number } = {}): RunEventBatch[] {
  const maxPoints = options.maxPoints ?? REPORT_MAX_POINTS;
  const batches: RunEventBatch[] = [];
  let current: RunEventBatch | null = null;
  let weight = 0;
  const open = (): RunEventBatch => {
    current = { runId, seq: firstSeq + batches.length };
    if (batches.length === 0 && options.resumedFrom !== undefined) current.resumedFrom = options.resumedFrom;
    batches.push(current);
    weight = 0;
    return current;
  };
  if (options.resumedFrom !== undefined) open();
  for (const event of events) {
    const w = eventWeight(event);
    let batch: RunEventBatch = current ?? open();
    if (weight > 0 && weight + w > maxPoints) batch = open();
    weight += w;
    switch (event.kind) {
      case "metric":
        (batch.metrics ??= []).push(event.body);
        break;
      case "sample":
        (batch.samples ??= []).push(event.body);
        break;
      case "log":
        (batch.logs ??= []).push(event.body);
        break;
      case "diagnostic":
        (batch.diagnostics ??= []).push(event.body);
        break;
      case "checkpoint":
        batch.checkpoint = event.step;
        break;
    }
  }
  return batches;
}
