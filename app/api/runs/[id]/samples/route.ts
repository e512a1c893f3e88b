import { handle, notFound } from "../../../../_lib/api";
import { getRun, listSamples } from "../../../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = handle(async (_req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  if (!(await getRun(id))) return notFound("run", id);
  return Response.json({ samples: await listSamples(id) });
});
