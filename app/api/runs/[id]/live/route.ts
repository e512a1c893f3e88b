import * as z from "zod";
import { handle, notFound, parseQuery } from "../../../../_lib/api";
import { loadRunLive } from "../../../../runs/[id]/data";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const Query = z
  .strictObject({
    after: z.coerce.number().int().min(0).optional(),
    points: z.coerce.number().int().min(10).max(10_000).optional(),
    since: z.coerce.number().int().optional(),
    series: z.coerce.number().int().min(1).max(1000).optional(),
    last: z.string().min(1).max(1000).optional(),
  })
  .refine((q) => (q.since === undefined) === (q.series === undefined) && (q.since === undefined) === (q.last === undefined), { message: "since=, series= and last= come together", path: ["since"] });

/**
 * GET /api/runs/:id/live?after=<log id> — the run, its curves, samples, new log lines and
 * diagnostics in one response. With since=<step>&series=<n>&last=<name> (the page holds n
 * series, the last named <name>, each up to <step>): the curves' points after <step> only,
 * when it can (seriesAfter says so; app/_lib/run-series.ts).
 */
export const GET = handle(async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const query = parseQuery(req, Query);
  if (!query.ok) return query.response;
  const { after, points, since, series, last } = query.data;
  const data = await loadRunLive(id, { afterLog: after, points, since: since !== undefined ? { step: since, count: series!, last: last! } : undefined });
  return data ? Response.json(data) : notFound("run", id);
});
