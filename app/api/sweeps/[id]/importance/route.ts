import { sweepGet } from "../../../../_lib/api";
import { loadImportance } from "../../../../sweeps/data";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/sweeps/:id/importance — each swept parameter's importance for the sweep's metric (GP main effects, with a 10–90% interval and how often it ranks first) and correlation; seed replicates count as one configuration. */
export const GET = sweepGet(loadImportance);
