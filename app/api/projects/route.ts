import { handle } from "../../_lib/api";
import { listProjects } from "../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/projects → { projects: [{ name, runs, sweeps }] }: every project holding a run or a sweep. */
export const GET = handle(async () => Response.json({ projects: await listProjects() }));
