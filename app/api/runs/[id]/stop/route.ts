import { controlPost } from "../../../../_lib/api";
import { stopRun } from "../../../../../prisma/store/sweep-control";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** POST /api/runs/:id/stop → 200 { run }: a queued run is stopped at once, a running one at its next step. 409 if it has ended. */
export const POST = controlPost("run", stopRun, (run) => ({ run }));
