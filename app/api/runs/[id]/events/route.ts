import { handle, type IdContext } from "../../../../_lib/api";
import { logEventsAction } from "../../../../_server/logging";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** POST /api/runs/:id/events { seq, metrics?, logs?, summary?, config? } → { duplicate, stop } (sweeps/logging-api.ts) */
export const POST = handle(async (req: Request, ctx: IdContext) => logEventsAction(req, (await ctx.params).id));
