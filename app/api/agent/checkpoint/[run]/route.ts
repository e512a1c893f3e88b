import { handle } from "../../../../_lib/api";
import { agentCheckpoint } from "../../../../_server/agent";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * A remote agent's checkpoints, kept through the server's store so that any host can resume the
 * run and the pages can open it (its own credential; only runs it has claimed):
 *   PUT /api/agent/checkpoint/:run?step=K   body: the checkpoint JSON gzipped → { ok, step }
 *   GET /api/agent/checkpoint/:run?atMost=K → the newest kept at step ≤ K (gzipped; header x-step), or 404
 */
export const PUT = handle(async (req: Request, ctx: { params: Promise<{ run: string }> }) => agentCheckpoint(req, (await ctx.params).run));
export const GET = handle(async (req: Request, ctx: { params: Promise<{ run: string }> }) => agentCheckpoint(req, (await ctx.params).run));
