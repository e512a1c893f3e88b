import os from "node:os";
import { parseArgs } from "node:util";
import { HttpRunQueue, AgentHttpError } from "./agent";
import { serverCorpora } from "./agent-corpus";
import { AgentName, agentOwner } from "./agent-protocol";
import { Runner } from "./executor/runner";
import { processLauncher } from "./launcher";

// `npm run agent -- --server URL --token T [--sweep ID] [--concurrency N] [--name NAME]`:
// a worker machine. It claims runs from the server over HTTP, trains them in local worker
// processes and streams their metrics back in batches (the W&B agent pattern). With --sweep
// it works on that sweep only and exits when the sweep has ended. Ctrl-C stops its runs.

const USAGE = "usage: npm run agent -- --server URL --token TOKEN [--sweep ID] [--concurrency N] [--name NAME]";

function fail(message: string): never {
  console.error(`agent: ${message}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        server: { type: "string" },
        token: { type: "string" },
        sweep: { type: "string" },
        concurrency: { type: "string" },
        name: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }).values;
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const server = args.server ?? process.env.SWEEPLAB_SERVER;
  const token = args.token ?? process.env.SWEEPLAB_AGENT_TOKEN;
  if (!server) fail(`--server is required (e.g. http://10.0.0.5:3000)\n${USAGE}`);
  if (!token) fail(`--token is required (the server's SWEEPLAB_AGENT_TOKEN)\n${USAGE}`);
  try {
    new URL(server);
  } catch {
    fail(`--server ${server} is not a URL (e.g. http://10.0.0.5:3000)`);
  }
  const concurrency = args.concurrency === undefined ? os.cpus().length : Number(args.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) fail(`--concurrency must be a whole number ≥ 1, got ${args.concurrency}`);
  const name = args.name ?? `${os.hostname()}-${process.pid}`;
  if (!AgentName.safeParse(name).success) fail(`--name "${name}" may only hold letters, digits and _ . : @ -`);

  const queue = new HttpRunQueue({ server, token, agent: name });
  const runner = new Runner({
    queue,
    launcher: processLauncher(),
    corpusText: serverCorpora({ server, token }),
    owner: agentOwner(name),
    concurrency,
    sweepId: args.sweep,
    pollMs: 2000,
    flushMs: 500,
    log: (m) => console.error(`agent: ${m}`),
    onEvent: (e) => {
      if (e.type === "started") console.log(`▶ ${e.run.name} (${e.run.id})`);
      if (e.type === "ended") console.log(`■ ${e.run.name} ${e.outcome.state}${e.outcome.error ? `: ${e.outcome.error.split("\n")[0]}` : ""}`);
    },
  });

  // Check the server and the token once before starting, for a clear error.
  try {
    await queue.report(agentOwner(name), { events: [], alive: [] });
  } catch (error) {
    fail(error instanceof AgentHttpError ? error.message : `cannot reach ${server}: ${(error as Error).message}`);
  }
  console.log(`agent ${name}: ${concurrency} worker${concurrency > 1 ? "s" : ""}, server ${server}${args.sweep ? `, sweep ${args.sweep}` : ""}`);

  let interrupted = 0;
  const stop = async () => {
    if (++interrupted > 1) process.exit(130);
    console.log("stopping: runs in progress are stopped (Ctrl-C again to quit at once)");
    await runner.shutdown({ stopWorkers: true });
    process.exit(130);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());

  runner.start();
  if (args.sweep) {
    // Bound to one sweep: exit when it has ended and nothing runs here any more.
    for (;;) {
      await runner.untilIdle();
      const state = queue.lastSweepState;
      if (state === null || state === "finished" || state === "cancelled" || state === "failed") break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    await runner.shutdown();
    console.log(`sweep ${args.sweep} is ${queue.lastSweepState ?? "gone"}; agent exits`);
  }
}

main().catch((error) => {
  console.error(`agent: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
