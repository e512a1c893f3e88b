import { handle, jsonError } from "../../../_lib/api";
import { agentAction } from "../../../_server/agent";
import { AGENT_ACTIONS, type AgentAction } from "../../../../sweeps/agent-protocol";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * Remote agents (`npm run agent`). `register` takes the server's registration token
 * (Authorization: Bearer <SWEEPLAB_AGENT_TOKEN>); every other call the agent's own credential
 * (Authorization: Bearer <credential>), which names the agent:
 *   POST /api/agent/register { name }                  → 201 { agent: { id, name }, credential } (409: name taken)
 *   POST /api/agent/claim    { sweep? }                → { run | null, sweepState? }
 *   POST /api/agent/started  { runId, pid }            → { ok }
 *   POST /api/agent/report   { events[], alive[] }     → { stop: { runId: "stopped" | "pruned" } }
 *                            events: numbered batches (sweeps/ingest.ts), 10,000 points at most (413)
 *   POST /api/agent/finish   { runId, outcome }        → { ok }
 *   POST /api/agent/release  { runId, reason }         → { ok }   (interrupted: back to the queue)
 * A call about a run the agent has not claimed answers 409.
 */
export const POST = handle(async (req: Request, ctx: { params: Promise<{ action: string }> }) => {
  const { action } = await ctx.params;
  if (!(AGENT_ACTIONS as readonly string[]).includes(action)) return jsonError(404, `unknown agent endpoint "${action.slice(0, 40)}": use one of ${AGENT_ACTIONS.join(", ")}`);
  return agentAction(action as AgentAction, req);
});
