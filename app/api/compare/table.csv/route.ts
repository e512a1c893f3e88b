import { handle, parseViewQuery } from "../../../_lib/api";
import { loadTable, resolveTableView } from "../../../runs/table-data";
import { RunsTableParams, tableToCsv } from "../../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/compare/table.csv?<same as /api/compare/table> — exactly what the table shows, every row. */
export const GET = handle(async (req: Request) => {
  const query = await parseViewQuery(req, RunsTableParams);
  if (!query.ok) return query.response;
  const view = await resolveTableView({ ...query.data, limit: undefined, offset: undefined });
  const page = await loadTable(view, { limit: 100_000, offset: 0 });
  const csv = tableToCsv(page.rows, view.columns, view.grouped);
  const name = `sweeplab-${query.data.sweep ? `sweep-${query.data.sweep}-` : ""}runs${view.grouped ? "-by-config" : ""}.csv`;
  return new Response(csv, { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}"` } });
});
