import { handle, parseViewQuery } from "../../_lib/api";
import { listRuns, RunsQueryParams, toListRunsQuery } from "../../../prisma/store";
import { createRunAction } from "../../_server/logging";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/runs?sweep=ID&state=a,b&sort=-summary.val_loss&filter=config.cell=lstm&limit&offset */
export const GET = handle(async (req: Request) => {
  const query = await parseViewQuery(req, RunsQueryParams);
  if (!query.ok) return query.response;
  return Response.json(await listRuns(toListRunsQuery(query.data)));
});

/** POST /api/runs { project?, name?, group?, tags?, notes?, config?, id?, resume?, startedAt? } → 201 { run, url }: a run of any program (the logging API, sweeps/logging-api.ts) */
export const POST = handle(createRunAction);
