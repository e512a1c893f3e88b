import { handle, jsonError, notFound } from "../../../../_lib/api";
import { cancelSweep } from "../../../../../prisma/store/sweep-control";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** POST /api/sweeps/:id/cancel → 200 { sweep }; 404 unknown sweep; 409 when its state does not allow it. */
export const POST = handle(async (_req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const result = await cancelSweep(id);
  if (!result.ok) return result.status === 404 ? notFound("sweep", id) : jsonError(result.status, result.error);
  return Response.json({ sweep: result.value });
});
