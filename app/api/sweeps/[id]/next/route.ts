import { handle, type IdContext } from "../../../../_lib/api";
import { nextRunAction } from "../../../../_server/logging";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** POST /api/sweeps/:id/next → { run | null, config, sweepState }: a function agent's next run of a program's sweep (its client then logs to it). */
export const POST = handle(async (_req: Request, ctx: IdContext) => nextRunAction((await ctx.params).id));
