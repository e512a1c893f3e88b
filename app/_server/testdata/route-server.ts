import http from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { installGracefulShutdown, startServerExecutor } from "../executor";
import * as agentRoute from "../../api/agent/[action]/route";
import * as sweepsRoute from "../../api/sweeps/route";
import * as sweepRoute from "../../api/sweeps/[id]/route";
import * as cancelRoute from "../../api/sweeps/[id]/cancel/route";
import * as nextRoute from "../../api/sweeps/[id]/next/route";
import * as progressRoute from "../../api/sweeps/[id]/progress/route";
import * as corporaRoute from "../../api/corpora/route";
import * as agentCorpusRoute from "../../api/agent/corpus/[name]/route";
import * as agentCheckpointRoute from "../../api/agent/checkpoint/[run]/route";
import * as runsRoute from "../../api/runs/route";
import * as runsCsvRoute from "../../api/runs/export.csv/route";
import * as runRoute from "../../api/runs/[id]/route";
import * as runEventsRoute from "../../api/runs/[id]/events/route";
import * as runFinishRoute from "../../api/runs/[id]/finish/route";
import * as runStopRoute from "../../api/runs/[id]/stop/route";
import * as runCheckpointRoute from "../../api/runs/[id]/checkpoint/route";
import * as runMetricsRoute from "../../api/runs/[id]/metrics/route";
import * as runMetricsCsvRoute from "../../api/runs/[id]/metrics.csv/route";
import * as runMetricsJsonlRoute from "../../api/runs/[id]/metrics.jsonl/route";
import * as compareRoute from "../../api/compare/route";
import * as tableRoute from "../../api/compare/table/route";
import * as tableCsvRoute from "../../api/compare/table.csv/route";
import * as viewsRoute from "../../api/views/route";
import * as viewRoute from "../../api/views/[id]/route";

// A real HTTP server process for tests that need one without a Next build: it serves the
// same route handlers (web Request → Response) on 127.0.0.1 and starts the server's executor
// as instrumentation.ts does (SIGTERM included). Prints "listening <port>" when ready; PORT
// picks the port (default: any free one).

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const routes: [string, RegExp, Handler][] = [
  ["POST", /^\/api\/agent\/(?<action>[^/]+)$/, agentRoute.POST as Handler],
  ["GET", /^\/api\/agent\/corpus\/(?<name>[^/]+)$/, agentCorpusRoute.GET as Handler],
  ["PUT", /^\/api\/agent\/checkpoint\/(?<run>[^/]+)$/, agentCheckpointRoute.PUT as Handler],
  ["GET", /^\/api\/agent\/checkpoint\/(?<run>[^/]+)$/, agentCheckpointRoute.GET as Handler],
  ["POST", /^\/api\/corpora$/, corporaRoute.POST as Handler],
  ["POST", /^\/api\/sweeps$/, sweepsRoute.POST as Handler],
  ["GET", /^\/api\/sweeps\/(?<id>[^/]+)$/, sweepRoute.GET as Handler],
  ["POST", /^\/api\/sweeps\/(?<id>[^/]+)\/cancel$/, cancelRoute.POST as Handler],
  ["POST", /^\/api\/sweeps\/(?<id>[^/]+)\/next$/, nextRoute.POST as Handler],
  ["GET", /^\/api\/sweeps\/(?<id>[^/]+)\/progress$/, progressRoute.GET as Handler],
  ["GET", /^\/api\/runs$/, runsRoute.GET as Handler],
  ["POST", /^\/api\/runs$/, runsRoute.POST as Handler],
  ["GET", /^\/api\/runs\/export\.csv$/, runsCsvRoute.GET as Handler],
  ["GET", /^\/api\/runs\/(?<id>[^/]+)$/, runRoute.GET as Handler],
  ["POST", /^\/api\/runs\/(?<id>[^/]+)\/events$/, runEventsRoute.POST as Handler],
  ["POST", /^\/api\/runs\/(?<id>[^/]+)\/finish$/, runFinishRoute.POST as Handler],
  ["POST", /^\/api\/runs\/(?<id>[^/]+)\/stop$/, runStopRoute.POST as Handler],
  ["GET", /^\/api\/runs\/(?<id>[^/]+)\/checkpoint$/, runCheckpointRoute.GET as Handler],
  ["GET", /^\/api\/runs\/(?<id>[^/]+)\/metrics$/, runMetricsRoute.GET as Handler],
  ["GET", /^\/api\/runs\/(?<id>[^/]+)\/metrics\.csv$/, runMetricsCsvRoute.GET as Handler],
  ["GET", /^\/api\/runs\/(?<id>[^/]+)\/metrics\.jsonl$/, runMetricsJsonlRoute.GET as Handler],
  ["GET", /^\/api\/compare$/, compareRoute.GET as Handler],
  ["GET", /^\/api\/compare\/table$/, tableRoute.GET as Handler],
  ["GET", /^\/api\/compare\/table\.csv$/, tableCsvRoute.GET as Handler],
  ["GET", /^\/api\/views$/, viewsRoute.GET as Handler],
  ["POST", /^\/api\/views$/, viewsRoute.POST as Handler],
  ["DELETE", /^\/api\/views\/(?<id>[^/]+)$/, viewRoute.DELETE as Handler],
];

async function toRequest(req: http.IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  const body = req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks);
  return new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers, body });
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const route = routes.find(([method, re]) => method === req.method && re.test(url.pathname));
  const response = route
    ? await route[2](await toRequest(req), { params: Promise.resolve(Object.fromEntries(Object.entries({ ...route[1].exec(url.pathname)!.groups }).map(([k, v]) => [k, decodeURIComponent(v)]))) })
    : Response.json({ error: "not found", issues: [] }, { status: 404 });
  res.writeHead(response.status, Object.fromEntries(response.headers));
  // streamed as it is made (a download of millions of rows), at the pace the client reads
  if (response.body) await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), res).catch(() => {}); // (a client that went away: pipeline closed both)
  else res.end();
});

await startServerExecutor();
installGracefulShutdown();
// (longer than a test's idle pauses: a client's pooled connection closed by the server between two
// requests fails the next POST with "fetch failed", which fetch does not retry)
server.keepAliveTimeout = 120_000;
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : "?"}`);
});
