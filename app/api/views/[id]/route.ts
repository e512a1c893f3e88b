import { handle, notFound, type IdContext } from "../../../_lib/api";
import { deleteSavedView } from "../../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** DELETE /api/views/:id → 200 { deleted: id }; 404 when there is no such view. */
export const DELETE = handle(async (_req: Request, ctx: IdContext) => {
  const { id } = await ctx.params;
  if (!(await deleteSavedView(id))) return notFound("view", id);
  return Response.json({ deleted: id });
});
