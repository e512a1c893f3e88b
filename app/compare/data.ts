import type { CompareQuery, CompareResponse, SeriesTuple } from "../_lib/compare-api";
import { byCreation } from "../_lib/colors";
import { listRuns, metricNamesOf, readManySeries } from "../../prisma/store";

// Builds the compare response from the store: used by GET /api/compare and by the compare
// page's first (server) render, so both return exactly the same thing. Runs come in the
// view's order, which is also its colour order: the ids as asked (the selection), or a
// sweep's runs as they were created (new runs are appended, so nobody's colour changes).

export async function loadCompare(q: Pick<CompareQuery, "runs" | "sweep" | "keys" | "points">): Promise<CompareResponse> {
  const { runs: ids, sweep, keys, points } = q;
  const { runs } = await listRuns({ ids, sweepId: sweep, sort: { field: "created", desc: false }, limit: 1000 });
  const byId = new Map(runs.map((r) => [r.id, r]));
  const ordered = ids ? ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])) : [...runs].sort(byCreation);
  const runIds = ordered.map((r) => r.id);
  const [series, names] = await Promise.all([readManySeries(runIds, keys, points), metricNamesOf(runIds)]);
  return {
    runs: ordered.map((r) => ({ id: r.id, name: r.name, state: r.state, sweepId: r.sweepId, config: r.config, params: r.params, summary: r.summary, startedAt: r.startedAt })),
    names,
    series: Object.fromEntries(
      Object.entries(series).map(([runId, byName]) => [
        runId,
        Object.fromEntries(Object.entries(byName).map(([name, pts]) => [name, pts.map((p): SeriesTuple => [p.step, p.value, p.wallTime])])),
      ]),
    ),
    missing: ids ? ids.filter((id) => !byId.has(id)) : [],
  };
}
