import { z } from "zod";
import { DiagnosticMessage, LogMessage, MetricMessage, SampleMessage, Summary } from "../engine/protocol";
import { RUN_STATES, SWEEP_STATES } from "./states";

// The HTTP protocol between a remote agent (sweeps/agent.ts) and the server
// (app/api/agent/[action]): the RunQueue calls, as JSON bodies validated on the server.
// Every request carries `Authorization: Bearer <SWEEPLAB_AGENT_TOKEN>`.

/** The largest request body an agent may send (bytes). */
export const AGENT_BODY_LIMIT = 4 * 1024 * 1024;
/**
 * Metric points in one report (each diagnostic counts as DIAGNOSTIC_POINTS): appending them
 * takes the server a fraction of a second, so one report never holds it up for seconds. The
 * Runner splits what it has buffered into reports of at most this many (reportPoints).
 */
export const MAX_REPORT_POINTS = 20_000;
export const DIAGNOSTIC_POINTS = 10;

/** What a report (or one run's events in it) costs the server, in points. */
export function reportPoints(events: { metrics?: { values: Record<string, unknown> }[]; diagnostics?: unknown[] }[]): number {
  let n = 0;
  for (const e of events) {
    for (const m of e.metrics ?? []) n += Object.keys(m.values).length;
    n += (e.diagnostics?.length ?? 0) * DIAGNOSTIC_POINTS;
  }
  return n;
}

export const AGENT_ACTIONS = ["claim", "started", "report", "finish"] as const;
export type AgentAction = (typeof AGENT_ACTIONS)[number];

const id = z.string().regex(/^[0-9a-z]{4,32}$/, "must be an id");
export const AgentName = z.string().regex(/^[A-Za-z0-9_.:@-]{1,80}$/, "1–80 letters, digits and _ . : @ -");

export const ClaimRequest = z.strictObject({ agent: AgentName, sweep: id.optional() });
export const ClaimResponse = z.object({
  run: z.object({ id: z.string(), name: z.string(), sweepId: z.string().nullable(), index: z.number(), config: z.record(z.string(), z.unknown()) }).nullable(),
  /** State of the requested sweep (with `sweep`), so an agent bound to it can exit when it ends. */
  sweepState: z.enum(SWEEP_STATES).nullable().optional(),
});

export const StartedRequest = z.strictObject({ agent: AgentName, runId: id, pid: z.number().int().nullable() });

export const RunEventsBody = z.strictObject({
  runId: id,
  metrics: z.array(MetricMessage.omit({ type: true })).max(100_000).optional(),
  samples: z.array(SampleMessage.omit({ type: true })).max(10_000).optional(),
  logs: z.array(LogMessage.omit({ type: true })).max(10_000).optional(),
  diagnostics: z.array(DiagnosticMessage.omit({ type: true })).max(10_000).optional(),
});
export const ReportRequest = z.strictObject({
  agent: AgentName,
  events: z
    .array(RunEventsBody)
    .max(256)
    .refine((events) => reportPoints(events) <= MAX_REPORT_POINTS, `at most ${MAX_REPORT_POINTS.toLocaleString("en-US")} points per report (a diagnostic counts ${DIAGNOSTIC_POINTS}): send the rest in the next report`),
  alive: z.array(id).max(256),
});
export const ReportResponse = z.object({ stop: z.record(z.string(), z.enum(["stopped", "pruned"])) });

const END_STATES = ["finished", "failed", "diverged", "crashed", "stopped", "pruned"] as const satisfies readonly (typeof RUN_STATES)[number][];
export const FinishRequest = z.strictObject({
  agent: AgentName,
  runId: id,
  outcome: z.strictObject({
    state: z.enum(END_STATES),
    summary: Summary.optional(),
    error: z.string().max(20_000).nullable().optional(),
    divergedAt: z.number().int().nullable().optional(),
    lastStep: z.number().int().nonnegative().optional(),
  }),
});

export const agentOwner = (agent: string) => `agent:${agent}`;
