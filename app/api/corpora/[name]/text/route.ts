import { handle } from "../../../../_lib/api";
import { corpusTextResponse } from "../../../../_lib/corpus-text";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/corpora/:name/text — the text, as uploaded (text/plain; header x-sweeplab-sha256). */
export const GET = handle(async (_req: Request, ctx: { params: Promise<{ name: string }> }) => corpusTextResponse((await ctx.params).name));
