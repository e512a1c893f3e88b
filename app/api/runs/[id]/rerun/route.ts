import { controlPost } from "../../../../_lib/api";
import { rerunRun } from "../../../../../prisma/store/sweep-control";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** POST /api/runs/:id/rerun → 201 { id, run }: a new queued run with the same config and seed. 409 while the run is active. */
export const POST = controlPost("run", rerunRun, (run) => ({ id: run.id, run }), 201);
