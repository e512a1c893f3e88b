import { sweepGet } from "../../../_lib/api";
import { deleteRoute, patchRoute } from "../../../_lib/housekeeping-api";
import { deleteSweep, MetaPatch, sweepProgress, updateSweepMeta } from "../../../../prisma/store";
import { configWarnings, expectedRuns } from "../../../sweeps/data";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/sweeps/:id — the sweep, its progress (counts by state, best run, elapsed), the runs it will make and its config's warnings. */
export const GET = sweepGet(async (sweep) => ({ sweep, progress: await sweepProgress(sweep), expected: expectedRuns(sweep), warnings: configWarnings(sweep) }));

/** PATCH /api/sweeps/:id { name?, tags?, notes?, archived? } → 200 { sweep }. */
export const PATCH = patchRoute("sweep", MetaPatch, updateSweepMeta);

/** DELETE /api/sweeps/:id → 200 { deleted }: a live sweep is cancelled, then it and all its runs are deleted. */
export const DELETE = deleteRoute("sweep", deleteSweep);
