import { handle, type IdContext } from "../../../../_lib/api";
import { finishRunAction } from "../../../../_server/logging";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** POST /api/runs/:id/finish { state: finished | failed | crashed, exitCode?, error? } → { run } */
export const POST = handle(async (req: Request, ctx: IdContext) => finishRunAction(req, (await ctx.params).id));
