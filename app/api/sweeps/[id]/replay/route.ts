import * as z from "zod";
import { handle, jsonError, notFound, type IdContext } from "../../../../_lib/api";
import { KiB, readRequest } from "../../../../_lib/body";
import { getSweep } from "../../../../../prisma/store";
import { loadReplay } from "../../../../sweeps/replay";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** The request: an early_terminate block, checked by the sweep config's own schema. */
const ReplayRequest = z.strictObject({ early_terminate: z.unknown() });

/**
 * POST /api/sweeps/:id/replay — body `{ "early_terminate": {...} }` (hyperband or median, as in a
 * sweep config) → 200: the runs it would stop (with the evaluation and step), `steps_saved`,
 * `best_survived`, `best`, what the sweep actually did (`actual`) and a hyperband grid over
 * eta × min_iter; 400 naming the field; 404 unknown sweep.
 */
export const POST = handle(async (req: Request, ctx: IdContext) => {
  const { id } = await ctx.params;
  const sweep = await getSweep(id);
  if (!sweep) return notFound("sweep", id);
  const request = await readRequest(req, ReplayRequest, 16 * KiB);
  if (!request.ok) return request.response;
  if (request.data.early_terminate === undefined) return jsonError(400, "invalid request: early_terminate: required", [{ path: "early_terminate", message: "required" }]);
  const result = await loadReplay(sweep, request.data.early_terminate);
  if (!result.ok) {
    const first = result.issues[0];
    return jsonError(400, `invalid early_terminate: ${first.path ? `${first.path}: ` : ""}${first.message}`, result.issues.map((i) => ({ path: i.path, message: i.message })));
  }
  return Response.json(result.body, { headers: { "cache-control": "no-store" } });
});
