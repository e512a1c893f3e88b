import { handle, parseViewQuery } from "../../../_lib/api";
import { loadTable, resolveTableView } from "../../../runs/table-data";
import { RunsTableParams } from "../../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/compare/table?sweep=&state=&filter=summary.val_loss<2&sort=-derived.train_val_gap
 *   &columns=config.cell,summary.val_loss_best&group=seeds|runs|tags|none&limit=&offset=
 * — rows of the runs table with only the chosen columns (narrow), curve-derived columns, and
 * seed replicates folded into one row per configuration (or runs by run group, or by tag: a
 * run with several tags in each tag's row), mean ± 95% interval, members inline.
 */
export const GET = handle(async (req: Request) => {
  const query = await parseViewQuery(req, RunsTableParams);
  if (!query.ok) return query.response;
  const view = await resolveTableView(query.data);
  const page = await loadTable(view, { limit: query.data.limit ?? (view.grouped ? undefined : 200) });
  return Response.json({ ...page, columns: view.columns, grouped: view.grouped });
});
