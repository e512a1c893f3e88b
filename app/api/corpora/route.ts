import * as z from "zod";
import { handle, jsonError, parseQuery } from "../../_lib/api";
import { readBodyText } from "../../_lib/body";
import { CORPUS_MAX_BYTES, listCorpora, registerCorpus } from "../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/corpora — every corpus the app knows (builtin first): name, size, sha256, chars; no texts. */
export const GET = handle(async () => Response.json({ corpora: await listCorpora(), maxBytes: CORPUS_MAX_BYTES }, { headers: { "cache-control": "no-store" } }));

const Query = z.strictObject({ name: z.string().min(1, "give the corpus a name: ?name=NAME") });

/**
 * POST /api/corpora?name=NAME — body: the text itself (UTF-8, at most 8 MiB) → 201 { corpus }
 * (200 when the same text is already registered under that name; 409 when another text is).
 * Runs then name it in their config: `corpus: NAME`.
 */
export const POST = handle(async (req: Request) => {
  const query = parseQuery(req, Query);
  if (!query.ok) return query.response;
  const body = await readBodyText(req, CORPUS_MAX_BYTES, { what: "the corpus", field: "text" });
  if (!body.ok) return body.response;
  const result = await registerCorpus(query.data.name, body.data);
  if (!result.ok) return jsonError(result.status, `${result.field}: ${result.error}`, [{ path: result.field, message: result.error }]);
  const { corpus } = result;
  return Response.json({ corpus }, { status: result.created ? 201 : 200, headers: { location: `/api/corpora/${encodeURIComponent(corpus.name)}` } });
});
