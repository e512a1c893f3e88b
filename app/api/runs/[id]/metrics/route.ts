import * as z from "zod";
import { handle, notFound, parseQuery } from "../../../../_lib/api";
import { KEY_PATTERN, KEY_RULE } from "../../../../../sweeps/names";
import { getRun, metricNames, readRunSeries } from "../../../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const Query = z.strictObject({
  keys: z
    .string()
    .transform((s) => s.split(",").filter(Boolean))
    .pipe(z.array(z.string().regex(KEY_PATTERN, `metric names are ${KEY_RULE}`)).max(50))
    .optional(),
  points: z.coerce.number().int().min(10).max(100_000).default(1000),
});

/** GET /api/runs/:id/metrics?keys=val_loss,train_loss&points=1000 — downsampled series (min/max kept). */
export const GET = handle(async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const query = parseQuery(req, Query);
  if (!query.ok) return query.response;
  const run = await getRun(id);
  if (!run) return notFound("run", id);
  const names = await metricNames(id);
  const keys = query.data.keys ?? names;
  return Response.json({ names, series: await readRunSeries(id, keys, query.data.points) });
});
