import fs from "node:fs";
import path from "node:path";
import * as z from "zod";
import { RunConfig } from "../../engine/config";
import { checkpointPathFor, findCheckpoint } from "../../sweeps/checkpoints";
import { prisma } from "../client";
import { getRun, newRunRow } from "./runs";
import { toRunRecord, type RunRecord } from "./records";
import type { ControlResult } from "./sweep-control";

// Fork: a new run that starts from another run's committed checkpoint with some settings
// changed (say, a lower learning rate for the rest of training). The fork gets its own copy of
// that checkpoint as its committed one, with checkpointStep at its step, so an executor starts
// it from there (sweeps/checkpoints.ts: a fork resumes like an interrupted run); its curve
// continues after the parent's step. Only settings that keep the checkpoint loadable may
// change: the model's shapes, the optimizer's state and the data stay the parent's.

/** The settings a fork may change: schedule, regularisation, clipping, length, logging, sampling. */
export const FORKABLE_KEYS = [
  "learning_rate", "lr_schedule", "lr_step_every", "lr_gamma", "warmup_steps", "momentum", "weight_decay",
  "dropout", "grad_clip", "steps", "eval_every", "eval_batches", "log_every", "sample_every", "sample_length",
  "sampling", "temperature", "top_k",
] as const;

export const ForkRequest = z.strictObject({
  changes: z.strictObject(Object.fromEntries(FORKABLE_KEYS.map((k) => [k, z.unknown().optional()])) as Record<(typeof FORKABLE_KEYS)[number], z.ZodOptional<z.ZodUnknown>>, {
    // zod's own "Unrecognized key" says neither why nor what may change
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `${issue.keys.join(", ")} cannot change in a fork: the checkpoint keeps the parent's model shapes, optimizer state and data. A fork may change ${FORKABLE_KEYS.join(", ")}`
        : undefined,
  }),
  name: z.string().trim().min(1).max(120).optional(),
});
export type ForkRequest = z.output<typeof ForkRequest>;

export type ForkResult = ControlResult<RunRecord> | { ok: false; status: 400; error: string; issues: { path: string; message: string }[] };

export async function forkRun(id: string, request: ForkRequest): Promise<ForkResult> {
  const parent = await getRun(id);
  if (!parent) return { ok: false, status: 404, error: `run ${id} not found` };
  if (parent.state === "queued" || parent.state === "running") return { ok: false, status: 409, error: `run ${id} is ${parent.state}: fork it once it has ended (or stop it)` };
  const source = findCheckpoint(parent.id);
  const step = parent.checkpointStep ?? parent.lastStep;
  if (!source) return { ok: false, status: 409, error: `run ${id} has no checkpoint to fork from` };
  const config = RunConfig.safeParse({ ...parent.config, ...request.changes });
  if (!config.success) return { ok: false, status: 400, error: `invalid fork: ${config.error.issues[0].path.join(".")}: ${config.error.issues[0].message}`, issues: config.error.issues.map((i) => ({ path: ["changes", ...i.path.map(String)].join("."), message: i.message })) };
  if (config.data.steps <= step) return { ok: false, status: 400, error: `invalid fork: changes.steps: the checkpoint is at step ${step}; a fork trains on to more steps than that`, issues: [{ path: "changes.steps", message: `more than ${step}` }] };
  const row = newRunRow({ config: config.data, name: request.name ?? `${parent.name}-fork` });
  // the checkpoint first, under the fork's id: a fork row never exists without it
  const target = checkpointPathFor(row.id);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(source, target);
  try {
    const created = await prisma().run.create({ data: { ...row, forkOf: parent.id, forkStep: step, checkpointStep: step, lastStep: step } });
    return { ok: true, value: toRunRecord(created) };
  } catch (error) {
    fs.rmSync(target, { force: true });
    throw error;
  }
}
