import { jsonError, notFound } from "../_lib/api";
import { readRequest } from "../_lib/body";
import { appendRunEvents, createProgramRun, getRun, getSweep, newId, reopenProgramRun, setRunOwner, type RunRecord } from "../../prisma/store";
import { isProgramSweep } from "../../sweeps/config";
import { nestConfig } from "../../sweeps/program";
import { AGENT_BODY_LIMIT } from "../../sweeps/agent-protocol";
import { batchWeight, REPORT_MAX_POINTS } from "../../sweeps/ingest";
import { ClientBatch, clientOwner, CreateRunRequest, FinishRunRequest, mayBeHeardAgain, toRunEventBatch } from "../../sweeps/logging-api";
import { serverExecutor } from "./executor";

// The server side of the logging API (sweeps/logging-api.ts): a run of any program is created,
// logs numbered batches and finishes. Its batches go through the server's Coordinator as a
// remote agent's reports do (the same ingestion, heartbeats, stop orders); its owner is its
// client (`client:<id>`), so no executor ever claims it.

const CREATE_LIMIT = 256 * 1024;

const runUrl = (run: RunRecord) => `/runs/${run.id}`;

/** POST /api/runs */
export async function createRunAction(req: Request): Promise<Response> {
  const body = await readRequest(req, CreateRunRequest, CREATE_LIMIT, "invalid run");
  if (!body.ok) return body.response;
  const created = await createProgramRun(body.data, clientOwner);
  if (!created) return jsonError(409, `id ${body.data.id} is taken by a run of the engine: choose another id`, [{ path: "id", message: "taken by an engine run" }]);
  let { run } = created;
  // the same id again after the run ended, asked to resume: it goes on (not asked: answered as it is)
  if (!created.created && ended(run) && body.data.resume) {
    if (run.sweepId) return jsonError(409, `run ${run.id} of sweep ${run.sweepId} has ended (${run.state}): a sweep's run is not resumed; start a new run`, [{ path: "id", message: "an ended run of a sweep" }]);
    const reopened = await reopenProgramRun(run, clientOwner(run.id));
    if (reopened) await appendRunEvents([{ runId: run.id, logs: [{ level: "info", step: run.lastStep, message: `resumed by its program after step ${run.lastStep} (it had ended ${run.state})` }] }]);
    run = reopened ?? (await getRun(run.id))!;
  }
  return Response.json({ run, url: runUrl(run) }, { status: created.created ? 201 : 200 });
}

/** The program run `id` that a client may still log to, or the response to send. */
async function openRun(id: string): Promise<{ ok: true; run: RunRecord } | { ok: false; response: Response }> {
  const run = await getRun(id);
  if (!run) return { ok: false, response: notFound("run", id) };
  if (run.kind !== "program") return { ok: false, response: jsonError(409, `run ${id} is trained by the engine: only runs created through POST /api/runs take logged events`) };
  return { ok: true, run };
}

const ended = (run: RunRecord) => run.state !== "running" && run.state !== "queued";

/**
 * A run the server marked crashed because its client went silent (a laptop asleep, a network
 * gone; the client spilled its batches to disk meanwhile), now heard from again: running again,
 * so that what it sends is kept, as W&B turns such a run back to running. Its batches then go on
 * after its last step, and its own finish ends it. A sweep's run stays crashed: the sweep has
 * counted it (and may have given its place to another). Any other run: as it is.
 */
async function heardAgain(run: RunRecord): Promise<RunRecord> {
  if (!mayBeHeardAgain(run) || run.claimedBy !== clientOwner(run.id)) return run;
  const reopened = await reopenProgramRun(run, clientOwner(run.id));
  if (!reopened) return (await getRun(run.id)) ?? run;
  await appendRunEvents([{ runId: run.id, logs: [{ level: "info", step: run.lastStep, message: `its program was heard from again after step ${run.lastStep}: running again (it had been marked ${run.error})` }] }]);
  return reopened;
}

/** POST /api/runs/:id/events */
export async function logEventsAction(req: Request, id: string): Promise<Response> {
  const body = await readRequest(req, ClientBatch, AGENT_BODY_LIMIT, "invalid batch");
  if (!body.ok) return body.response;
  const batch = toRunEventBatch(id, body.data);
  const points = batchWeight(batch);
  if (points > REPORT_MAX_POINTS) return jsonError(413, `batch too large: ${points} points, at most ${REPORT_MAX_POINTS} per batch; send the rest in the next one`, [{ path: "metrics", message: "too many points" }]);
  const open = await openRun(id);
  if (!open.ok) return open.response;
  const duplicate = batch.seq! <= open.run.clientSeq;
  const run = duplicate ? open.run : await heardAgain(open.run);
  if (ended(run)) {
    // (a resend of a batch stored before the run ended is answered as the no-op it is)
    if (duplicate) return Response.json({ duplicate, stop: true });
    return jsonError(409, `run ${id} has ended (${run.state}): it takes no more events`);
  }
  const coordinator = (await serverExecutor()).coordinator;
  const orders = await coordinator.report(clientOwner(id), { events: [batch], alive: [id] });
  return Response.json({ duplicate, stop: orders[id] !== undefined });
}

/** POST /api/runs/:id/finish */
export async function finishRunAction(req: Request, id: string): Promise<Response> {
  const body = await readRequest(req, FinishRunRequest, CREATE_LIMIT, "invalid finish");
  if (!body.ok) return body.response;
  const open = await openRun(id);
  if (!open.ok) return open.response;
  const { state, exitCode, error, finishedAt } = body.data;
  if (finishedAt && open.run.startedAt && finishedAt.getTime() < Date.parse(open.run.startedAt)) {
    return jsonError(400, `finishedAt ${finishedAt.toISOString()} is before the run started (${open.run.startedAt})`, [{ path: "finishedAt", message: "before the run's start" }]);
  }
  const coordinator = (await serverExecutor()).coordinator;
  const run = await heardAgain(open.run);
  // a run early termination or the user asked to stop, whose program then ended cleanly, was pruned or stopped
  const outcome = state !== "finished" ? state : (coordinator.stopReasonOf(id) ?? (run.stopRequested ? "stopped" : state));
  if (ended(run)) {
    if (run.state === outcome) return Response.json({ run });
    return jsonError(409, `run ${id} has ended already (${run.state})`);
  }
  // a run an agent or `npm run sweep` started the program for ends when its process does (its
  // runner still has the program's last output to store, and knows how it exited)
  if (run.claimedBy !== clientOwner(id)) return Response.json({ run });
  const reason = [error, exitCode !== undefined && exitCode !== 0 ? `exit code ${exitCode}` : null].filter(Boolean).join("; ") || null;
  await coordinator.finish(clientOwner(id), id, { state: outcome, error: reason, ...(finishedAt ? { finishedAt } : {}) });
  return Response.json({ run: await getRun(id) });
}

/**
 * POST /api/sweeps/:id/next: the next run of a program's sweep for a function agent
 * (sweeplab.agent), claimed for its client — which then logs to it as to any run of its own —
 * or null when the sweep has none to give now (ended, paused, at its concurrency).
 */
export async function nextRunAction(sweepId: string): Promise<Response> {
  const sweep = await getSweep(sweepId);
  if (!sweep) return notFound("sweep", sweepId);
  if (!isProgramSweep(sweep.config)) return jsonError(409, `sweep ${sweepId} trains the engine: its runs are trained by the server and agents, not by a function agent`);
  const coordinator = (await serverExecutor()).coordinator;
  const claimed = sweep.state === "running" ? await coordinator.claim(`client:agent-${newId()}`, { sweepId }) : null;
  if (claimed) await setRunOwner(claimed.id, clientOwner(claimed.id));
  const run = claimed ? await getRun(claimed.id) : null;
  return Response.json({ run, config: run ? nestConfig(run.config) : null, sweepState: (await getSweep(sweepId))?.state ?? sweep.state });
}
