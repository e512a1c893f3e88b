import { ClaimResponse, RegisterResponse, ReportResponse, type AgentAction } from "./agent-protocol";
import type { ClaimedRun, Report, RunOutcome, RunQueue, StopReason } from "./executor/types";
import type { SweepState } from "./states";
import type { ProgramSpec } from "./program";
import type { RemoteCheckpoints } from "./checkpoints";

// A RunQueue over HTTP: what a remote agent's Runner talks to. Each call is one POST to
// /api/agent/<action> on the server, which runs the Coordinator (search, early termination,
// sweep bookkeeping) next to the database. The agent is known by its own credential, which
// registerAgent obtains once with the server's registration token.

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

/**
 * The servers an agent talks to, in the order given (`--server A,B`): all on one database, they
 * serve the same API. A request goes to the one that answered last; when that one cannot be
 * reached (refused, no answer in time, a proxy's 502/503/504) it goes on to the next, and the
 * first that answers is used from then on. Only when none answers does the request fail (and the
 * Runner sends it again later, as it does when its one server is down).
 */
export class Servers {
  readonly urls: string[];
  private current = 0;

  /** `urls`: each a URL or several joined by commas (`--server A,B`, `--server A --server B`). */
  constructor(urls: string | string[]) {
    this.urls = [urls].flat().flatMap((u) => u.split(",")).map((u) => u.trim().replace(/\/+$/, "")).filter(Boolean);
    if (this.urls.length === 0) throw new Error("no server given");
  }

  /** `servers` as Servers (a URL or a list made into one). */
  static of(servers: string | string[] | Servers): Servers {
    return servers instanceof Servers ? servers : new Servers(servers);
  }

  /** The server that answered last (the first given, before any request). */
  get url(): string {
    return this.urls[this.current];
  }

  /** `path` (from the server's root) on the first server that answers; `init` per attempt (a fresh timeout each). */
  async fetch(path: string, init: () => RequestInit): Promise<Response> {
    let failure: unknown;
    for (let i = 0; i < this.urls.length; i++) {
      const k = (this.current + i) % this.urls.length;
      try {
        const res = await fetch(`${this.urls[k]}${path}`, init());
        if (GATEWAY_DOWN.has(res.status) && i < this.urls.length - 1) {
          failure = new AgentHttpError(res.status, `${this.urls[k]} answered ${res.status}`);
          continue;
        }
        this.current = k;
        return res;
      } catch (error) {
        failure = error;
      }
    }
    throw failure;
  }
}

/** What a proxy in front of a server that is down answers. */
const GATEWAY_DOWN = new Set([502, 503, 504]);

export interface HttpRunQueueOptions {
  /** One server or several (Servers). */
  server: string | string[] | Servers;
  /** The agent's own credential (registerAgent). */
  credential: string;
  /** Per-request timeout (ms). */
  timeoutMs?: number;
}

/** One POST to /api/agent/<action> with a bearer token; the JSON answer, or an AgentHttpError. */
async function postJson(servers: Servers, action: AgentAction, bearer: string, body: Record<string, unknown>, timeoutMs = 30_000): Promise<unknown> {
  const text = JSON.stringify(body);
  const res = await servers.fetch(`/api/agent/${action}`, () => ({
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
    body: text,
    signal: AbortSignal.timeout(timeoutMs),
  }));
  const json = (await res.json().catch(() => null)) as { error?: string } | null;
  if (!res.ok) throw new AgentHttpError(res.status, `${action}: server answered ${res.status}: ${json?.error ?? res.statusText}`);
  return json;
}

/** Register an agent named `name` with the server's registration token: its credential. */
export async function registerAgent(server: string | Servers, token: string, name: string): Promise<{ id: string; credential: string }> {
  const res = RegisterResponse.parse(await postJson(Servers.of(server), "register", token, { name }));
  return { id: res.agent.id, credential: res.credential };
}

export class HttpRunQueue implements RunQueue {
  readonly servers: Servers;
  /** The state of the sweep the agent is bound to, as of the last claim. */
  lastSweepState: SweepState | null = null;
  /** The programs of the program sweeps whose runs it claimed (by sweep id). */
  readonly programs = new Map<string, ProgramSpec>();

  constructor(private readonly options: HttpRunQueueOptions) {
    this.servers = Servers.of(options.server);
  }

  /** One call; the Runner retries what fails for a reason that may pass (not AgentHttpError.permanent). */
  private post(action: AgentAction, body: Record<string, unknown>): Promise<unknown> {
    return postJson(this.servers, action, this.options.credential, body, this.options.timeoutMs);
  }

  async claim(_owner: string, options: { sweepId?: string } = {}): Promise<ClaimedRun | null> {
    const res = ClaimResponse.parse(await this.post("claim", { sweep: options.sweepId }));
    this.lastSweepState = res.sweepState ?? null;
    if (res.run?.sweepId && res.program) this.programs.set(res.run.sweepId, res.program);
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

  /** The server keeps this agent's checkpoints (PUT/GET /api/agent/checkpoint/:run), so another host can resume its runs. */
  checkpoints(): RemoteCheckpoints {
    const path = (runId: string, query: string) => `/api/agent/checkpoint/${encodeURIComponent(runId)}?${query}`;
    const headers = { authorization: `Bearer ${this.options.credential}` };
    const failed = async (res: Response, what: string) => {
      const json = (await res.json().catch(() => null)) as { error?: string } | null;
      return new AgentHttpError(res.status, `${what}: server answered ${res.status}: ${json?.error ?? res.statusText}`);
    };
    return {
      upload: async (runId, step, gz) => {
        const res = await this.servers.fetch(path(runId, `step=${step}`), () => ({ method: "PUT", headers: { ...headers, "content-type": "application/gzip" }, body: new Uint8Array(gz), signal: AbortSignal.timeout(120_000) }));
        if (!res.ok) throw await failed(res, `checkpoint upload of run ${runId}`);
      },
      download: async (runId, atMostStep) => {
        const res = await this.servers.fetch(path(runId, `atMost=${atMostStep}`), () => ({ headers, signal: AbortSignal.timeout(120_000) }));
        if (res.status === 404) return null;
        if (!res.ok) throw await failed(res, `checkpoint of run ${runId}`);
        return { step: Number(res.headers.get("x-step")), gz: Buffer.from(await res.arrayBuffer()) };
      },
    };
  }
}
