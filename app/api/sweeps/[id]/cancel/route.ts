import { controlPost } from "../../../../_lib/api";
import { cancelSweep } from "../../../../../prisma/store/sweep-control";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** POST /api/sweeps/:id/cancel → 200 { sweep }; 404 unknown sweep; 409 when its state does not allow it. */
export const POST = controlPost("sweep", cancelSweep, (sweep) => ({ sweep }));
