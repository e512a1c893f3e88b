import { handle, jsonError } from "../../../_lib/api";
import { agentAction } from "../../../_server/agent";
import { AGENT_ACTIONS, type AgentAction } from "../../../../sweeps/agent-protocol";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * Remote agents (`npm run agent`), bearer token required (SWEEPLAB_AGENT_TOKEN):
 *   POST /api/agent/claim   { agent, sweep? }              → { run | null, sweepState? }
 *   POST /api/agent/started { agent, runId, pid }          → { ok }
 *   POST /api/agent/report  { agent, events[], alive[] }   → { stop: { runId: "stopped" | "pruned" } }
 *   POST /api/agent/finish  { agent, runId, outcome }      → { ok }
 */
export const POST = handle(async (req: Request, ctx: { params: Promise<{ action: string }> }) => {
  const { action } = await ctx.params;
  if (!(AGENT_ACTIONS as readonly string[]).includes(action)) return jsonError(404, `unknown agent endpoint "${action.slice(0, 40)}": use one of ${AGENT_ACTIONS.join(", ")}`);
  return agentAction(action as AgentAction, req);
});
