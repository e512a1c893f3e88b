import { handle, parseQuery } from "../../_lib/api";
import { CompareQuery } from "../../_lib/compare-api";
import { loadCompare, loadCompareDelta } from "../../compare/data";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/compare?runs=a,b,c&keys=val_loss,train_loss&points=1000 (or sweep=ID instead of
 * runs) — the runs and all their series in one response, each series downsampled on the
 * server with min/max buckets (first and last point kept).
 *
 * With since= (and open=), for a view polled live: only what changed since what the client
 * holds — new runs whole, the open runs' new points — as a CompareDelta (compare-api.ts).
 */
export const GET = handle(async (req: Request) => {
  const query = parseQuery(req, CompareQuery);
  if (!query.ok) return query.response;
  return Response.json(query.data.since ? await loadCompareDelta(query.data) : await loadCompare(query.data));
});
