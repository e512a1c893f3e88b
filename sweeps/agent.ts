import { ClaimResponse, ReportResponse, type AgentAction } from "./agent-protocol";
import type { ClaimedRun, Report, RunOutcome, RunQueue, StopReason } from "./executor/types";
import type { SweepState } from "./states";

// A RunQueue over HTTP: what a remote agent's Runner talks to. Each call is one POST to
// /api/agent/<action> on the server, which runs the Coordinator (search, early termination,
// sweep bookkeeping) next to the database.

export class AgentHttpError extends Error {
  /** The server refused the request itself (4xx): sending it again will not help (the Runner drops it). */
  readonly permanent: boolean;
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.permanent = status >= 400 && status < 500 && status !== 408 && status !== 429;
  }
}

export interface HttpRunQueueOptions {
  server: string;
  token: string;
  agent: string;
  /** Per-request timeout (ms). */
  timeoutMs?: number;
}

export class HttpRunQueue implements RunQueue {
  private readonly base: string;
  /** The state of the sweep the agent is bound to, as of the last claim. */
  lastSweepState: SweepState | null = null;

  constructor(private readonly options: HttpRunQueueOptions) {
    this.base = options.server.replace(/\/+$/, "");
  }

  private async post(action: AgentAction, body: Record<string, unknown>, attempts = 1): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await fetch(`${this.base}/api/agent/${action}`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${this.options.token}` },
          body: JSON.stringify({ agent: this.options.agent, ...body }),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        });
        const json = (await res.json().catch(() => null)) as { error?: string } | null;
        if (!res.ok) throw new AgentHttpError(res.status, `${action}: server answered ${res.status}: ${json?.error ?? res.statusText}`);
        return json;
      } catch (error) {
        // 4xx will not get better by retrying; network errors and 5xx might
        if ((error instanceof AgentHttpError && error.permanent) || attempt >= attempts) throw error;
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  }

  async claim(_owner: string, options: { sweepId?: string } = {}): Promise<ClaimedRun | null> {
    const res = ClaimResponse.parse(await this.post("claim", { sweep: options.sweepId }));
    this.lastSweepState = res.sweepState ?? null;
    return res.run;
  }

  async started(_owner: string, runId: string, pid: number | null): Promise<void> {
    await this.post("started", { runId, pid });
  }

  async report(_owner: string, report: Report): Promise<Record<string, StopReason>> {
    return ReportResponse.parse(await this.post("report", { events: report.events, alive: report.alive })).stop;
  }

  async finish(_owner: string, runId: string, outcome: RunOutcome): Promise<void> {
    // (the Runner retries until the server has it)
    await this.post("finish", { runId, outcome });
  }

  async release(_owner: string, runId: string, reason: string): Promise<void> {
    await this.post("release", { runId, reason: reason.slice(0, 500) });
  }
}
