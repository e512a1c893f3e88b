import { handle, jsonError, notFound, type IdContext } from "../../../../_lib/api";
import { KiB, readRequest } from "../../../../_lib/body";
import { forkRun, ForkRequest } from "../../../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * POST /api/runs/:id/fork { changes: { learning_rate?, steps?, … }, name? } → 201 { id, run }: a new
 * run that continues from the run's checkpoint with those settings changed (prisma/store/fork.ts).
 * 400 naming the field; 404 unknown run; 409 while it trains or when it has no checkpoint.
 */
export const POST = handle(async (req: Request, ctx: IdContext) => {
  const { id } = await ctx.params;
  const request = await readRequest(req, ForkRequest, 16 * KiB, "invalid fork");
  if (!request.ok) return request.response;
  const result = await forkRun(id, request.data);
  if (result.ok) return Response.json({ id: result.value.id, run: result.value }, { status: 201 });
  if (result.status === 404) return notFound("run", id);
  return jsonError(result.status, result.error, "issues" in result ? result.issues : []);
});
