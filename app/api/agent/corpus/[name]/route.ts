import { handle } from "../../../../_lib/api";
import { corpusTextResponse } from "../../../../_lib/corpus-text";
import { requireAgent } from "../../../../_server/agent";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/agent/corpus/:name — the text of a registered corpus for a remote agent (its own
 * credential, as for the other agent endpoints). An agent trains on what the server registered
 * under a name, checked against its sha256; it never opens a path it was sent.
 */
export const GET = handle(async (req: Request, ctx: { params: Promise<{ name: string }> }) => (await requireAgent(req)) ?? corpusTextResponse((await ctx.params).name));
