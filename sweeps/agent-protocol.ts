import * as z from "zod";
import { NumberedRunEventBatch } from "./ingest";
import { RUN_STATES, SWEEP_STATES } from "./states";

// The HTTP protocol between a remote agent (sweeps/agent.ts) and the server
// (app/api/agent/[action]): the RunQueue calls, as JSON bodies validated on the server.
//
// Identity: an agent registers once — `register`, with `Authorization: Bearer
// <SWEEPLAB_AGENT_TOKEN>` (the server's registration token) and its name — and gets its own
// credential `<id>.<secret>`. Every other call carries `Authorization: Bearer <credential>`;
// the server knows the agent from it (no request names an agent), and an agent acts only on
// runs it claimed. The registration token alone acts on no run.

/** The largest request body an agent may send (bytes). */
export const AGENT_BODY_LIMIT = 4 * 1024 * 1024;

export const AGENT_ACTIONS = ["register", "claim", "started", "report", "finish", "release"] as const;
export type AgentAction = (typeof AGENT_ACTIONS)[number];

const id = z.string().regex(/^[0-9a-z]{4,32}$/, "must be an id");
export const AgentName = z.string().regex(/^[A-Za-z0-9_.:@-]{1,80}$/, "1–80 letters, digits and _ . : @ -");

export const RegisterRequest = z.strictObject({ name: AgentName });
export const RegisterResponse = z.object({ agent: z.object({ id: z.string(), name: z.string() }), credential: z.string() });

export const ClaimRequest = z.strictObject({ sweep: id.optional() });
export const ClaimResponse = z.object({
  run: z
    .object({
      id: z.string(),
      name: z.string(),
      sweepId: z.string().nullable(),
      index: z.number(),
      config: z.record(z.string(), z.unknown()),
      // where the run's numbering and its resumption start (ClaimedRun)
      seq: z.number().int().nonnegative(),
      interruptions: z.number().int().nonnegative(),
      checkpointStep: z.number().int().nonnegative().nullable(),
      pruneMetric: z.string().nullable().optional(),
    })
    .nullable(),
  /** State of the requested sweep (with `sweep`), so an agent bound to it can exit when it ends. */
  sweepState: z.enum(SWEEP_STATES).nullable().optional(),
  /** The run's sweep is of the user's own program: what the agent runs (sweeps/program.ts). */
  program: z.object({ program: z.string().optional(), command: z.array(z.string()).optional() }).nullable().optional(),
});

export const StartedRequest = z.strictObject({ runId: id, pid: z.number().int().nullable() });

/** Numbered batches of the ingestion protocol (sweeps/ingest.ts), REPORT_MAX_POINTS in all at most. */
export const ReportRequest = z.strictObject({ events: z.array(NumberedRunEventBatch).max(256), alive: z.array(id).max(256) });
export const ReportResponse = z.object({ stop: z.record(z.string(), z.enum(["stopped", "pruned"])) });

const END_STATES = ["finished", "failed", "diverged", "crashed", "stopped", "pruned"] as const satisfies readonly (typeof RUN_STATES)[number][];
export const FinishRequest = z.strictObject({
  runId: id,
  outcome: z.strictObject({
    state: z.enum(END_STATES),
    summary: z.record(z.string(), z.number().nullable()).optional(),
    error: z.string().max(20_000).nullable().optional(),
    divergedAt: z.number().int().nullable().optional(),
    lastStep: z.number().int().nonnegative().optional(),
  }),
});

export const ReleaseRequest = z.strictObject({ runId: id, reason: z.string().min(1).max(500) });

export const agentOwner = (agent: string) => `agent:${agent}`;
