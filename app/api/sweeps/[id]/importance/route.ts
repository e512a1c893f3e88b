import { sweepGet } from "../../../../_lib/api";
import { loadImportance } from "../../../../sweeps/data";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/sweeps/:id/importance — correlation and random-forest permutation importance of each swept parameter for the sweep's metric. */
export const GET = sweepGet(loadImportance);
