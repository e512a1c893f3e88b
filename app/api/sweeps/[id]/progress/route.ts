import { sweepGet } from "../../../../_lib/api";
import { loadProgress } from "../../../../sweeps/data";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/sweeps/:id/progress — run counts by state, best run, elapsed, the running runs' steps: the sweep page polls this. */
export const GET = sweepGet(loadProgress);
