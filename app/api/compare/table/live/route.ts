import * as z from "zod";
import { handle, parseQuery } from "../../../../_lib/api";
import { queryRunsTable, RunsTableParams } from "../../../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** At most this many runs a poll: the rows on screen and their configurations' runs. */
const MAX_IDS = 2000;

const LiveRowsParams = RunsTableParams.pick({ ids: true, columns: true, group: true, sort: true }).extend({
  ids: RunsTableParams.shape.ids.unwrap().refine((ids) => ids.length > 0 && ids.length <= MAX_IDS, `must name 1 to ${MAX_IDS} runs`),
  columns: RunsTableParams.shape.columns.unwrap(),
});

/**
 * GET /api/compare/table/live?ids=a,b&columns=state,summary.val_loss&group=seeds|runs|tags|none&sort=
 * — the runs table's rows of those runs only (folded as the view folds them), read by id: what
 * the table polls while runs on screen train. Unlike GET /api/compare/table it reads neither the
 * view's column keys (2,000 runs' config and summary) nor any other run.
 */
export const GET = handle(async (req: Request) => {
  const query = parseQuery(req, LiveRowsParams);
  if (!query.ok) return query.response;
  const { ids, columns, group, sort } = query.data;
  const page = await queryRunsTable({ ids, columns, sort, groupSeeds: group === "seeds", groupRuns: group === "runs", groupTags: group === "tags", archived: "include", limit: ids.length });
  return Response.json({ rows: page.rows });
});
