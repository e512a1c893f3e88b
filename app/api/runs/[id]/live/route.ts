import * as z from "zod";
import { handle, notFound, parseQuery } from "../../../../_lib/api";
import { loadRunLive } from "../../../../runs/[id]/data";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const Query = z.strictObject({ after: z.coerce.number().int().min(0).optional(), points: z.coerce.number().int().min(10).max(10_000).optional() });

/** GET /api/runs/:id/live?after=<log id> — the run, its curves, samples, new log lines and diagnostics in one response. */
export const GET = handle(async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const query = parseQuery(req, Query);
  if (!query.ok) return query.response;
  const data = await loadRunLive(id, { afterLog: query.data.after, points: query.data.points });
  return data ? Response.json(data) : notFound("run", id);
});
