import type * as z from "zod";
import { jsonError } from "../_lib/api";
import { readRequest } from "../_lib/body";
import { bearerToken, sameSecret } from "./access";
import { authenticateAgent, getSweep, listRuns, loadCheckpoint, registerAgent, saveCheckpoint, type AgentRecord } from "../../prisma/store";
import { readBodyBytes, MiB } from "../_lib/body";
import {
  AGENT_BODY_LIMIT,
  agentOwner,
  ClaimRequest,
  FinishRequest,
  RegisterRequest,
  ReleaseRequest,
  ReportRequest,
  StartedRequest,
  type AgentAction,
} from "../../sweeps/agent-protocol";
import type { RunEvents } from "../../sweeps/executor";
import { batchWeight, REPORT_MAX_POINTS } from "../../sweeps/ingest";
import { serverExecutor } from "./executor";
import { programSpecOf } from "../../sweeps/config";

// The server side of remote agents: who is calling (the registration token for `register`,
// an agent's own credential for everything else), then the RunQueue calls on the server's
// Coordinator, limited to runs the calling agent has claimed.

const disabled = () =>
  jsonError(403, "remote agents are disabled on this server: start it with SWEEPLAB_AGENT_TOKEN=<secret> and run the agent with --token <secret>");

/** null when the request carries the server's registration token (SWEEPLAB_AGENT_TOKEN); otherwise the response to send. */
export function checkAgentToken(req: Request): Response | null {
  const expected = process.env.SWEEPLAB_AGENT_TOKEN;
  if (!expected) return disabled();
  const given = bearerToken(req);
  if (given === null || !sameSecret(given, expected)) {
    return jsonError(401, "missing or wrong agent token: send Authorization: Bearer <SWEEPLAB_AGENT_TOKEN> to register an agent");
  }
  return null;
}

/** null when the request carries a registered agent's credential; otherwise the response to send. */
export async function requireAgent(req: Request): Promise<Response | null> {
  const caller = await callingAgent(req);
  return caller.ok ? null : caller.response;
}

/** The agent whose credential the request carries, or the response to send. */
async function callingAgent(req: Request): Promise<{ ok: true; agent: AgentRecord } | { ok: false; response: Response }> {
  if (!process.env.SWEEPLAB_AGENT_TOKEN) return { ok: false, response: disabled() };
  const credential = bearerToken(req);
  const agent = credential ? await authenticateAgent(credential) : null;
  if (agent) return { ok: true, agent };
  const registrationToken = credential !== null && checkAgentToken(req) === null;
  return {
    ok: false,
    response: jsonError(
      401,
      registrationToken
        ? "this is the server's registration token: register the agent first (POST /api/agent/register { name }; npm run agent does it) and send its own credential"
        : "missing or wrong agent credential: send Authorization: Bearer <the credential the server gave the agent at registration>",
    ),
  };
}

const readBody = <S extends z.ZodType>(req: Request, schema: S) => readRequest(req, schema, AGENT_BODY_LIMIT, "invalid agent request");

/** Ids among `ids` of runs that are running and claimed by `owner`. */
async function ownedRunning(owner: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { runs } = await listRuns({ ids: [...new Set(ids)], states: ["running"] });
  return new Set(runs.filter((r) => r.claimedBy === owner).map((r) => r.id));
}

export async function agentAction(action: AgentAction, req: Request): Promise<Response> {
  if (action === "register") {
    const denied = checkAgentToken(req);
    if (denied) return denied;
    const body = await readBody(req, RegisterRequest);
    if (!body.ok) return body.response;
    const registered = await registerAgent(body.data.name);
    if (!registered) return jsonError(409, `an agent named "${body.data.name}" is registered already: use its saved credential, or another --name`);
    return Response.json({ agent: { id: registered.agent.id, name: registered.agent.name }, credential: registered.credential }, { status: 201 });
  }
  const caller = await callingAgent(req);
  if (!caller.ok) return caller.response;
  const name = caller.agent.name;
  const owner = agentOwner(name);
  // (asked for after the body is checked: a bad request does no work)
  const queue = async () => (await serverExecutor()).coordinator;
  const notYours = (runId: string) => jsonError(409, `run ${runId} is not running for agent ${name} (already ended, or claimed by another agent)`);
  switch (action) {
    case "claim": {
      const body = await readBody(req, ClaimRequest);
      if (!body.ok) return body.response;
      const run = await (await queue()).claim(owner, { sweepId: body.data.sweep });
      const sweepState = body.data.sweep ? ((await getSweep(body.data.sweep))?.state ?? null) : undefined;
      const sweep = run?.sweepId ? await getSweep(run.sweepId) : null;
      return Response.json({ run, sweepState, program: sweep ? programSpecOf(sweep.config) : null });
    }
    case "started": {
      const body = await readBody(req, StartedRequest);
      if (!body.ok) return body.response;
      if (!(await ownedRunning(owner, [body.data.runId])).has(body.data.runId)) return notYours(body.data.runId);
      await (await queue()).started(owner, body.data.runId, null); // a remote pid means nothing here
      return Response.json({ ok: true });
    }
    case "report": {
      const body = await readBody(req, ReportRequest);
      if (!body.ok) return body.response;
      // bounded, so that one report holds the database for tens of ms, not seconds (the agent sends its backlog in pieces)
      const points = body.data.events.reduce((n, b) => n + batchWeight(b), 0);
      if (points > REPORT_MAX_POINTS) return jsonError(413, `report too large: ${points} points, at most ${REPORT_MAX_POINTS} per report; send the rest in the next one`);
      const owned = await ownedRunning(owner, [...body.data.alive, ...body.data.events.map((e) => e.runId)]);
      // (a batch's checkpoint step becomes the run's checkpointStep: the agent uploads that checkpoint
      // once it is stored (agentCheckpoint); a host resumes from the newest kept at or before it)
      const events = body.data.events.filter((e) => owned.has(e.runId)) as RunEvents[];
      const stop = await (await queue()).report(owner, { events, alive: body.data.alive.filter((id) => owned.has(id)) });
      // a run the agent still reports but no longer owns (requeued as stale, cancelled, another agent's ...) must stop
      for (const id of body.data.alive) if (!owned.has(id)) stop[id] = "stopped";
      return Response.json({ stop });
    }
    case "finish": {
      const body = await readBody(req, FinishRequest);
      if (!body.ok) return body.response;
      if (!(await ownedRunning(owner, [body.data.runId])).has(body.data.runId)) return notYours(body.data.runId);
      await (await queue()).finish(owner, body.data.runId, body.data.outcome);
      return Response.json({ ok: true });
    }
    case "release": {
      const body = await readBody(req, ReleaseRequest);
      if (!body.ok) return body.response;
      if (!(await ownedRunning(owner, [body.data.runId])).has(body.data.runId)) return notYours(body.data.runId);
      await (await queue()).release(owner, body.data.runId, `agent ${name}: ${body.data.reason}`);
      return Response.json({ ok: true });
    }
  }
}

/** The largest checkpoint an agent may upload (gzipped bytes). */
export const AGENT_CHECKPOINT_LIMIT = 512 * MiB;

/** PUT (upload, ?step=K) or GET (?atMost=K) a checkpoint of a run the calling agent is running. */
export async function agentCheckpoint(req: Request, runId: string): Promise<Response> {
  const caller = await callingAgent(req);
  if (!caller.ok) return caller.response;
  const name = caller.agent.name;
  if (!(await ownedRunning(agentOwner(name), [runId])).has(runId)) return jsonError(409, `run ${runId.slice(0, 40)} is not running for agent ${name} (already ended, or claimed by another agent)`);
  const url = new URL(req.url);
  const param = req.method === "PUT" ? "step" : "atMost";
  const raw = url.searchParams.get(param);
  const step = raw === null && param === "atMost" ? Number.MAX_SAFE_INTEGER : Number(raw);
  if (!Number.isSafeInteger(step) || step < 0) return jsonError(400, `${param}: a step (a whole number ≥ 0) is required, got ${JSON.stringify(raw)}`);
  if (req.method === "PUT") {
    const body = await readBodyBytes(req, AGENT_CHECKPOINT_LIMIT, "the checkpoint");
    if (!body.ok) return body.response;
    const gz = Buffer.from(body.data);
    if (gz.length < 2 || gz[0] !== 0x1f || gz[1] !== 0x8b) return jsonError(400, "body: the checkpoint must be gzipped (content-type application/gzip)");
    if (!(await saveCheckpoint(runId, step, gz))) return jsonError(409, `run ${runId} no longer exists`);
    return Response.json({ ok: true, step });
  }
  const kept = await loadCheckpoint(runId, step);
  if (!kept) return jsonError(404, `run ${runId} has no kept checkpoint at step ${raw ?? "any"} or before`);
  return new Response(new Uint8Array(kept.gz), { headers: { "content-type": "application/gzip", "x-step": String(kept.step) } });
}
