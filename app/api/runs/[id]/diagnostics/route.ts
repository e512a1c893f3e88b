import * as z from "zod";
import { handle, notFound, parseQuery } from "../../../../_lib/api";
import { getRun, listDiagnostics } from "../../../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const Query = z.strictObject({ kind: z.string().regex(/^[a-z_]{1,64}$/).optional() });

export const GET = handle(async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const query = parseQuery(req, Query);
  if (!query.ok) return query.response;
  if (!(await getRun(id))) return notFound("run", id);
  return Response.json({ diagnostics: await listDiagnostics(id, query.data.kind) });
});
