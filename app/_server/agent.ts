import type { z } from "zod";
import { invalid, jsonError } from "../_lib/api";
import { readJsonBody } from "../_lib/body";
import { bearerToken, sameSecret } from "./access";
import { getSweep, listRuns } from "../../prisma/store";
import {
  AGENT_BODY_LIMIT,
  agentOwner,
  ClaimRequest,
  FinishRequest,
  ReportRequest,
  StartedRequest,
  type AgentAction,
} from "../../sweeps/agent-protocol";
import type { RunEvents } from "../../sweeps/executor";
import { serverExecutor } from "./executor";

// The server side of remote agents: bearer-token check, then the RunQueue calls on the
// server's Coordinator, limited to runs the calling agent has claimed.

/** null when the request carries the configured token; otherwise the response to send. */
export function checkAgentToken(req: Request): Response | null {
  const expected = process.env.SWEEPLAB_AGENT_TOKEN;
  if (!expected) {
    return jsonError(403, "remote agents are disabled on this server: start it with SWEEPLAB_AGENT_TOKEN=<secret> and run the agent with --token <secret>");
  }
  const given = bearerToken(req);
  if (given === null || !sameSecret(given, expected)) {
    return jsonError(401, "missing or wrong agent token: send Authorization: Bearer <SWEEPLAB_AGENT_TOKEN>");
  }
  return null;
}

async function readBody<S extends z.ZodType>(req: Request, schema: S): Promise<{ ok: true; data: z.output<S> } | { ok: false; response: Response }> {
  const json = await readJsonBody(req, AGENT_BODY_LIMIT);
  if (!json.ok) return json;
  const parsed = schema.safeParse(json.data);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, response: invalid(parsed.error, "invalid agent request") };
}

/** Ids among `ids` of runs that are running and claimed by `owner`. */
async function ownedRunning(owner: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { runs } = await listRuns({ ids: [...new Set(ids)], states: ["running"] });
  return new Set(runs.filter((r) => r.claimedBy === owner).map((r) => r.id));
}

export async function agentAction(action: AgentAction, req: Request): Promise<Response> {
  const denied = checkAgentToken(req);
  if (denied) return denied;
  // (asked for after the body is checked: a bad request does no work)
  const coordinator = async () => (await serverExecutor()).coordinator;
  switch (action) {
    case "claim": {
      const body = await readBody(req, ClaimRequest);
      if (!body.ok) return body.response;
      const run = await (await coordinator()).claim(agentOwner(body.data.agent), { sweepId: body.data.sweep });
      const sweepState = body.data.sweep ? ((await getSweep(body.data.sweep))?.state ?? null) : undefined;
      return Response.json({ run, sweepState });
    }
    case "started": {
      const body = await readBody(req, StartedRequest);
      if (!body.ok) return body.response;
      const owner = agentOwner(body.data.agent);
      if (!(await ownedRunning(owner, [body.data.runId])).has(body.data.runId)) return jsonError(409, `run ${body.data.runId} is not running for agent ${body.data.agent}`);
      await (await coordinator()).started(owner, body.data.runId, null); // a remote pid means nothing here
      return Response.json({ ok: true });
    }
    case "report": {
      const body = await readBody(req, ReportRequest);
      if (!body.ok) return body.response;
      const owner = agentOwner(body.data.agent);
      const owned = await ownedRunning(owner, [...body.data.alive, ...body.data.events.map((e) => e.runId)]);
      const events = body.data.events.filter((e) => owned.has(e.runId)) as RunEvents[];
      const stop = await (await coordinator()).report(owner, { events, alive: body.data.alive.filter((id) => owned.has(id)) });
      // a run the agent still reports but no longer owns (crashed as stale, cancelled ...) must stop
      for (const id of body.data.alive) if (!owned.has(id)) stop[id] = "stopped";
      return Response.json({ stop });
    }
    case "finish": {
      const body = await readBody(req, FinishRequest);
      if (!body.ok) return body.response;
      const owner = agentOwner(body.data.agent);
      if (!(await ownedRunning(owner, [body.data.runId])).has(body.data.runId)) return jsonError(409, `run ${body.data.runId} is not running for agent ${body.data.agent} (already ended?)`);
      await (await coordinator()).finish(owner, body.data.runId, body.data.outcome);
      return Response.json({ ok: true });
    }
  }
}
