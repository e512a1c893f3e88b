import * as z from "zod";
import { handle, parseViewQuery } from "../../../../_lib/api";
import type { LiveTableAnswer } from "../../../../_lib/runs-live";
import { tableQuery } from "../../../../runs/table-data";
import { queryRunsTable, RunsTableParams, runsTableStamp } from "../../../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** At most this many runs a poll: the rows on screen and their configurations' runs. */
const MAX_IDS = 2000;

const LiveRowsParams = RunsTableParams.extend({
  live: RunsTableParams.shape.ids.unwrap().refine((ids) => ids.length <= MAX_IDS, `must name at most ${MAX_IDS} runs`).default([]),
  columns: RunsTableParams.shape.columns.unwrap(),
  group: RunsTableParams.shape.group.unwrap(),
  /** 0: the rows alone (the table asks for the stamp every few seconds, not every tick) */
  stamp: z.enum(["0", "1"]).default("1"),
});

/**
 * GET /api/compare/table/live?<the view's query>&live=a,b&columns=state,summary.val_loss&group=seeds|runs|tags|none&stamp=0|1
 * — what the runs table polls while it is open: the view's rows of the `live` runs only (the
 * queued and running ones on screen, folded as the view folds them; a run that no longer
 * matches the view's filters is not among them), and the view's stamp (runsTableStamp: how
 * many runs match it, when the newest was created, how many runs there are in all). The table
 * reads its pages again only when the stamp moves or a live run ends or leaves the view. Unlike
 * GET /api/compare/table it reads neither the view's column keys (2,000 runs' config and
 * summary) nor any page: rows by id, and one count.
 */
export const GET = handle(async (req: Request) => {
  const query = await parseViewQuery(req, LiveRowsParams);
  if (!query.ok) return query.response;
  const { live, columns, group, stamp: withStamp, ...view } = query.data;
  const where = tableQuery(view, columns, group === "none" ? null : group);
  const ids = where.ids ? live.filter((id) => where.ids!.includes(id)) : live;
  const page = ids.length ? await queryRunsTable({ ...where, ids, offset: 0, limit: ids.length }) : null;
  const stamp = withStamp === "1" ? await runsTableStamp(where) : null;
  return Response.json({ rows: page?.rows ?? [], stamp } satisfies LiveTableAnswer);
});
