import * as z from "zod";
import { LogMessage, METRICS_PER_MESSAGE_MAX } from "../engine/protocol";
import { KEY_PATTERN, KEY_RULE } from "./names";
import type { RunEventBatch } from "./ingest";

// The logging API's requests (app/api/runs: POST, /:id/events, /:id/finish), which the
// clients (clients/python, clients/ts) send for a run of any program. A client's batch is
// the ingestion protocol's batch (sweeps/ingest.ts) for one run, with JSON's gaps filled:
// NaN and ±Infinity arrive as the strings "NaN", "Infinity" and "-Infinity".
//
// Names that become columns (metric names, summary keys, config keys) follow KEY_PATTERN, as
// every column key does: they sit in URLs, filters and JSON paths. A nested config is stored
// flattened, its keys joined by "." (`optimizer.lr`), as W&B's runs table shows it.

// letters and digits of any script, as names are (sweeps/names.ts) and as W&B takes them
export const PROJECT_PATTERN = /^[\p{L}\p{N}._-][\p{L}\p{N}\p{M}._-]{0,63}$/u;
export const Project = z.string().regex(PROJECT_PATTERN, "a project name is 1–64 letters and digits of any script and . _ -");

/** The project a sweep config names (W&B's `project:`), when it is a valid project name. */
export function projectOf(config: Record<string, unknown>): string | undefined {
  return typeof config.project === "string" && PROJECT_PATTERN.test(config.project) ? config.project : undefined;
}

/** The largest config a run may carry, serialised. */
export const MAX_CONFIG_BYTES = 64 * 1024;
/** The largest config document nesting kept when flattening (deeper is refused). */
const MAX_CONFIG_DEPTH = 8;

const Key = z.string().regex(KEY_PATTERN, `a name is ${KEY_RULE}`);

/** A number as JSON can carry it, or the name of one it cannot. */
const WireNumber = z.union([z.number(), z.null(), z.enum(["NaN", "Infinity", "-Infinity"])]).transform((v): number | null => {
  if (v === "NaN") return null; // the store keeps NaN as NULL
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  return v;
});

const WireValues = z
  .record(Key, WireNumber)
  .refine((v) => Object.keys(v).length <= METRICS_PER_MESSAGE_MAX, `at most ${METRICS_PER_MESSAGE_MAX} metrics per step`);

type Flat = Record<string, unknown>;

/**
 * A config object flattened to column keys (`{optimizer: {lr: 0.1}}` → `{"optimizer.lr": 0.1}`);
 * arrays stay values. A key that is no column key, or a document nested too deep, is an issue
 * at its path.
 */
function flattenConfig(value: Record<string, unknown>, ctx: z.RefinementCtx): Flat {
  const out: Flat = {};
  const walk = (obj: Record<string, unknown>, prefix: string, path: (string | number)[], depth: number) => {
    for (const [k, v] of Object.entries(obj)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (depth >= MAX_CONFIG_DEPTH) {
        ctx.addIssue({ code: "custom", path: [...path, k], message: `nested deeper than ${MAX_CONFIG_DEPTH} levels` });
        continue;
      }
      if (v !== null && typeof v === "object" && !Array.isArray(v)) {
        walk(v as Record<string, unknown>, key, [...path, k], depth + 1);
        continue;
      }
      if (!KEY_PATTERN.test(key)) {
        ctx.addIssue({ code: "custom", path: [...path, k], message: `"${key.slice(0, 60)}" is no column name: a name is ${KEY_RULE}` });
        continue;
      }
      out[key] = v;
    }
  };
  walk(value, "", [], 0);
  return out;
}

const Config = z
  .record(z.string(), z.unknown())
  .refine((c) => JSON.stringify(c).length <= MAX_CONFIG_BYTES, `at most ${MAX_CONFIG_BYTES / 1024} KiB as JSON`)
  .transform((c, ctx) => flattenConfig(c, ctx));

const Tag = z.string().regex(KEY_PATTERN, `a tag is ${KEY_RULE}`);

/** How far ahead of the server's clock a client's clock may run. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * A moment on the client's clock (an offline run's start or end, synced later): ISO 8601 with
 * its offset (`2026-12-05T10:24:00.123+00:00`, or `Z`); not later than now, give or take the skew.
 */
const ClientTime = z.iso
  .datetime({ offset: true, error: "an ISO 8601 date and time with its offset (2026-12-05T10:24:00+00:00)" })
  .transform((s) => new Date(s))
  .refine((t) => t.getTime() <= Date.now() + CLOCK_SKEW_MS, `in the future (more than ${CLOCK_SKEW_MS / 60_000} minutes ahead of the server's clock)`);

/** POST /api/runs: a program run. */
export const CreateRunRequest = z.strictObject({
  project: Project.optional(),
  name: z.string().trim().min(1).max(128).optional(),
  group: Tag.optional(),
  tags: z.array(Tag).max(32, "at most 32 tags").optional(),
  notes: z.string().max(20_000).optional(),
  config: Config.optional(),
  /** The client's id for the run (offline runs, resuming, a run a sweep agent created): creating it again answers the same run. */
  id: z.string().regex(/^[0-9a-z]{4,32}$/, "an id is 4–32 lowercase letters and digits").optional(),
  /**
   * W&B's `init(resume="allow")`: the run of `id` goes on if it has ended (finished, failed,
   * crashed, stopped), after its last step. Without it an ended run is answered as it is (a sync
   * of an offline run reads that it was uploaded already; a client says it has ended).
   */
  resume: z.boolean().optional(),
  /**
   * When the run started, if before now (an offline run synced later, as `wandb sync` keeps it):
   * its start and its place in creation order. Only for a run the request creates.
   */
  startedAt: ClientTime.optional(),
});
export type CreateRunRequest = z.output<typeof CreateRunRequest>;

/** POST /api/runs/:id/events: one numbered batch (an empty one is a heartbeat). */
export const ClientBatch = z.strictObject({
  seq: z.number().int().positive(),
  metrics: z
    .array(z.strictObject({ step: z.number().int().nonnegative(), time: z.number().nonnegative(), values: WireValues }))
    .max(10_000)
    .optional(),
  logs: z.array(LogMessage.omit({ type: true })).max(10_000).optional(),
  summary: z
    .record(Key, WireNumber)
    .refine((s) => Object.keys(s).length <= 4 * METRICS_PER_MESSAGE_MAX, "too many summary keys")
    .optional(),
  config: Config.optional(),
});
export type ClientBatch = z.output<typeof ClientBatch>;

/** The ingestion batch of a client's batch for run `runId`. */
export function toRunEventBatch(runId: string, batch: ClientBatch): RunEventBatch {
  const { seq, metrics, logs, summary, config } = batch;
  return {
    runId,
    seq,
    stream: "client",
    ...(metrics?.length ? { metrics } : {}),
    ...(logs?.length ? { logs } : {}),
    // (a summary keeps ±Infinity and NaN as null, as the folded one does: sweeps/summary.ts)
    ...(summary ? { summary: Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, v === null || Number.isNaN(v) ? null : v])) } : {}),
    ...(config && Object.keys(config).length ? { config } : {}),
  };
}

/** POST /api/runs/:id/finish. */
export const FinishRunRequest = z.strictObject({
  state: z.enum(["finished", "failed", "crashed"]),
  exitCode: z.number().int().optional(),
  error: z.string().max(4000).optional(),
  /** When the run ended, if before now (an offline run synced later); not before its start. Only for a run its client owns. */
  finishedAt: ClientTime.optional(),
});
export type FinishRunRequest = z.output<typeof FinishRunRequest>;

/** The owner (Run.claimedBy) of a program run: its client, one per run. */
export const clientOwner = (runId: string) => `client:${runId}`;
export const isClientOwner = (owner: string | null): boolean => owner?.startsWith("client:") ?? false;

/** The error of a program run the server ended because its client sent nothing for `seconds`. */
export const silentClientError = (seconds: number) => `${SILENT_CLIENT} for ${seconds} s`;
const SILENT_CLIENT = "crashed: its program sent nothing";
/** Whether a run's error says the server ended it for its client's silence (not an end its client reported). */
export const isSilentClientError = (error: string | null): boolean => error?.startsWith(`${SILENT_CLIENT} for `) ?? false;
/** A run the server ended for its client's silence, outside a sweep (a sweep has counted it): its client heard from again, it runs again (app/_server/logging.ts). */
export const mayBeHeardAgain = (run: { state: string; error: string | null; sweepId: string | null }): boolean =>
  run.state === "crashed" && run.sweepId === null && isSilentClientError(run.error);
