import { sweepGet } from "../../../_lib/api";
import { sweepProgress } from "../../../../prisma/store";
import { configWarnings, expectedRuns } from "../../../sweeps/data";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/sweeps/:id — the sweep, its progress (counts by state, best run, elapsed), the runs it will make and its config's warnings. */
export const GET = sweepGet(async (sweep) => ({ sweep, progress: await sweepProgress(sweep), expected: expectedRuns(sweep), warnings: configWarnings(sweep) }));
