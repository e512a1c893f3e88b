import * as z from "zod";
import { handle, notFound, parseQuery } from "../../../../_lib/api";
import { getRun, listLogs } from "../../../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const Query = z.strictObject({
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
});

export const GET = handle(async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const query = parseQuery(req, Query);
  if (!query.ok) return query.response;
  if (!(await getRun(id))) return notFound("run", id);
  return Response.json({ logs: await listLogs(id, { afterId: query.data.after, limit: query.data.limit }) });
});
