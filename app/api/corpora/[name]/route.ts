import { handle, jsonError } from "../../../_lib/api";
import { getCorpus } from "../../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/corpora/:name — one corpus: name, size, sha256, chars, createdAt. */
export const GET = handle(async (_req: Request, ctx: { params: Promise<{ name: string }> }) => {
  const { name } = await ctx.params;
  const corpus = await getCorpus(name);
  if (!corpus) return jsonError(404, `no corpus named "${name.slice(0, 100)}"`);
  return Response.json({ corpus });
});
