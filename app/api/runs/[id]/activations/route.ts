import * as z from "zod";
import { handle, jsonError, notFound, parseQuery } from "../../../../_lib/api";
import { findCheckpoint } from "../../../../../sweeps/checkpoints";
import { activationsFromCheckpointFile } from "../../../../../engine/files";
import { activationsFromCheckpoint } from "../../../../../engine/activations";
import { parseCheckpoint } from "../../../../../engine/checkpoint";
import { getRun, knownCorpora, readRunCheckpoint } from "../../../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const Query = z.strictObject({
  text: z.string().min(1, "type some text").max(2000, "at most 2,000 characters"),
  layer: z.coerce.number().int().min(0).max(7).default(0),
});

/**
 * GET /api/runs/:id/activations?text=...&layer=0 — hidden-cell activations of a charlm run's
 * layer over `text`, from the run's final checkpoint: { chars, hidden[t][j], cell[t][j] | null }.
 */
export const GET = handle(async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const query = parseQuery(req, Query);
  if (!query.ok) return query.response;
  const run = await getRun(id);
  if (!run) return notFound("run", id);
  if (run.config.task !== "charlm") return jsonError(409, `the cell viewer needs a charlm run (this one is ${String(run.config.task)})`);
  // Which characters a model knows tells which the training text holds: answer only for texts
  // the app knows (and shows anyway), never for a file a run read before corpora were registered.
  const corpus = String(run.config.corpus ?? "builtin");
  if (!(await knownCorpora([corpus])).has(corpus)) return jsonError(409, `the cell viewer works on runs of a registered corpus; this run names "${corpus.slice(0, 60)}", which is not one`);
  const file = findCheckpoint(id);
  // a run trained elsewhere (an agent, another server): the checkpoint its host kept in the store
  const kept = file ? null : await readRunCheckpoint(id);
  if (!file && !kept) return jsonError(409, `run ${id} has no checkpoint yet; checkpoints are written when a run finishes or is stopped`);
  try {
    const acts = file ? activationsFromCheckpointFile(file, query.data.text, query.data.layer) : activationsFromCheckpoint(parseCheckpoint(kept!.text), query.data.text, query.data.layer);
    return Response.json({ layer: query.data.layer, layers: Number(run.config.num_layers ?? 1), ...acts });
  } catch (e) {
    return jsonError(400, e instanceof Error ? e.message : String(e), [{ path: "text", message: e instanceof Error ? e.message : String(e) }]);
  }
});
