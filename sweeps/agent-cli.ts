import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { HttpRunQueue, AgentHttpError, registerAgent, Servers } from "./agent";
import { checkpointEveryFromEnv, localCheckpoints, sharedCheckpoints } from "./checkpoints";
import { serverCorpora } from "./agent-corpus";
import { AgentName, agentOwner } from "./agent-protocol";
import { Runner } from "./executor/runner";
import { processLauncher, routingLauncher } from "./launcher";
import { programLauncher } from "./program";
import { invocationDir } from "../engine/files";

// `npm run agent -- --server URL[,URL…] --token T [--sweep ID] [--concurrency N] [--count N] [--name NAME]`:
// a worker machine. Several servers (on one database) may be named: the agent talks to the
// first that answers and moves to the next when that one goes down (Servers, ./agent.ts). It claims runs from the server over HTTP, trains them in local worker
// processes and streams their metrics back in batches (the W&B agent pattern). With --sweep
// it works on that sweep only and exits when the sweep has ended; with --count N it runs at most
// N runs and exits once they have ended (as `wandb agent --count`). Ctrl-C or SIGTERM hands its
// runs back to the server, which gives them to another host: they resume there from their
// last checkpoint, which the agent keeps here and uploads to the server (sharedCheckpoints).
//
// Identity: the agent registers with the server's registration token (its SWEEPLAB_AGENT_TOKEN, given as
// --token or in the agent's own SWEEPLAB_AGENT_TOKEN) and gets a credential of its own. With --name the credential is saved
// (~/.sweeplab/agents/<first server>/<name>.json, or under SWEEPLAB_AGENT_HOME; readable by you only),
// so a restarted agent is the same agent and needs no token; without, the agent is named
// <host>-<pid> and registers afresh each time.

const USAGE = "usage: npm run agent -- --server URL[,URL…] --token TOKEN [--sweep ID] [--concurrency N] [--count N] [--name NAME]\n       npm run agent -- --database postgresql://… [--sweep ID] [--concurrency N] [--count N]   (straight to the database, sweeps/agent-direct.ts)";

function fail(message: string): never {
  console.error(`agent: ${message}`);
  process.exit(2);
}

/** Where the credential of agent `name` on `server` is kept. */
function credentialFile(server: string, name: string): string {
  const home = process.env.SWEEPLAB_AGENT_HOME ?? path.join(os.homedir(), ".sweeplab");
  return path.join(home, "agents", new URL(server).host.replace(/[^A-Za-z0-9.-]/g, "_"), `${name}.json`);
}

/** The agent's credential: saved before (with --name), or registered now with the token (and saved). */
async function credentialFor(server: Servers, name: string, token: string | undefined, file: string | null): Promise<string> {
  if (file && fs.existsSync(file)) {
    const saved = JSON.parse(fs.readFileSync(file, "utf8")) as { credential?: unknown };
    if (typeof saved.credential === "string") return saved.credential;
  }
  if (!token) fail(`--token is required to register agent ${name} (the server's SWEEPLAB_AGENT_TOKEN; the variable SWEEPLAB_AGENT_TOKEN here gives it too)\n${USAGE}`);
  let registered;
  try {
    registered = await registerAgent(server, token, name);
  } catch (error) {
    fail(error instanceof AgentHttpError ? error.message : `cannot reach ${server.urls.join(" or ")}: ${(error as Error).message}`);
  }
  if (file) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, JSON.stringify({ server: server.urls[0], name, id: registered.id, credential: registered.credential }, null, 2) + "\n", { mode: 0o600 });
  }
  return registered.credential;
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        server: { type: "string", multiple: true },
        token: { type: "string" },
        sweep: { type: "string" },
        concurrency: { type: "string" },
        count: { type: "string" },
        name: { type: "string" },
        database: { type: "string" },
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
  const concurrency = args.concurrency === undefined ? os.cpus().length : Number(args.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) fail(`--concurrency must be a whole number ≥ 1, got ${args.concurrency}`);
  const count = args.count === undefined ? undefined : Number(args.count);
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) fail(`--count must be a whole number ≥ 1, got ${args.count}`);
  if (args.database !== undefined) {
    if (args.server !== undefined || args.token !== undefined || args.name !== undefined) fail(`--database connects straight to the database: --server, --token and --name are for an agent that goes through a server\n${USAGE}`);
    if (!/^(postgres(ql)?:\/\/|file:)/i.test(args.database)) fail(`--database must be a postgresql://… URL (or a file: SQLite URL on this machine), got "${args.database.slice(0, 80)}"`);
    const { runDirectAgent } = await import("./agent-direct");
    await runDirectAgent({ database: args.database, sweep: args.sweep, concurrency, maxRuns: count, log: (m) => console.error(`agent: ${m}`) }).catch((error: Error) => fail(error.message));
    return;
  }
  const token = args.token ?? process.env.SWEEPLAB_AGENT_TOKEN;
  // (--server A,B or --server A --server B: several servers on one database, tried in turn)
  let server: Servers;
  try {
    server = new Servers(args.server ?? process.env.SWEEPLAB_SERVER ?? "");
  } catch {
    fail(`--server is required (e.g. http://10.0.0.5:3000)\n${USAGE}`);
  }
  for (const url of server.urls) {
    try {
      if (!/^https?:$/.test(new URL(url).protocol)) throw new Error();
    } catch {
      fail(`--server ${url} is not an http(s) URL (e.g. http://10.0.0.5:3000)`);
    }
  }
  const name = args.name ?? `${os.hostname()}-${process.pid}`;
  if (!AgentName.safeParse(name).success) fail(`--name "${name}" may only hold letters, digits and _ . : @ -`);

  const file = args.name ? credentialFile(server.urls[0], name) : null;
  const credential = await credentialFor(server, name, token, file);
  const queue = new HttpRunQueue({ server, credential });
  // kept here and uploaded to the server: another host resumes a run this agent gives up
  const checkpoints = sharedCheckpoints(localCheckpoints({ everyMs: checkpointEveryFromEnv() }), queue.checkpoints(), (m) => console.error(`agent: ${m}`));
  const runner = new Runner({
    queue,
    // a program sweep's runs run its program here, in this folder (as `wandb agent` does); the engine's run in workers
    launcher: routingLauncher(processLauncher(), programLauncher({ cwd: invocationDir(), specFor: (id) => (id ? (queue.programs.get(id) ?? null) : null), env: { SWEEPLAB_URL: server.urls[0] } }), (run) => Boolean(run?.sweepId && queue.programs.has(run.sweepId))),
    corpusText: serverCorpora({ server, credential }),
    checkpoints,
    owner: agentOwner(name),
    concurrency,
    sweepId: args.sweep,
    maxRuns: count,
    pollMs: 2000,
    flushMs: 500,
    log: (m) => console.error(`agent: ${m}`),
    onEvent: (e) => {
      if (e.type === "started") console.log(`▶ ${e.run.name} (${e.run.id})`);
      if (e.type === "ended") console.log(`■ ${e.run.name} ${e.outcome.state}${e.outcome.error ? `: ${e.outcome.error.split("\n")[0]}` : ""}`);
      if (e.type === "released") console.log(`↩ ${e.run.name} handed back to the server: ${e.reason}`);
    },
  });

  // Check the server and the credential once before starting, for a clear error.
  try {
    await queue.report(agentOwner(name), { events: [], alive: [] });
  } catch (error) {
    const saved = error instanceof AgentHttpError && error.status === 401 && file ? ` (the credential saved in ${file}: delete that file to register again)` : "";
    fail(error instanceof AgentHttpError ? `${error.message}${saved}` : `cannot reach ${server.urls.join(" or ")}: ${(error as Error).message}`);
  }
  console.log(`agent ${name}: ${concurrency} worker${concurrency > 1 ? "s" : ""}, server ${server.urls.join(", ")}${args.sweep ? `, sweep ${args.sweep}` : ""}`);

  let interrupted = 0;
  const stop = async (signal: NodeJS.Signals) => {
    if (++interrupted > 1) process.exit(130);
    console.log(`stopping: runs in progress go back to the server (${signal === "SIGINT" ? "Ctrl-C again to quit at once" : signal})`);
    await runner.shutdown({ interrupt: `the agent stopped (${signal})`, graceMs: 5000, deadlineMs: 10_000 });
    await checkpoints.settled(10_000); // the last checkpoints uploaded, for whoever resumes the runs
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void stop(signal));

  runner.start();
  if (args.sweep || count !== undefined) {
    // Bound to one sweep, or to a count of runs: exit when the sweep has ended, or the count has
    // been run, and nothing runs here any more.
    for (;;) {
      await runner.untilIdle();
      if (runner.exhausted) break;
      const state = queue.lastSweepState;
      if (args.sweep && (state === null || state === "finished" || state === "cancelled" || state === "failed")) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    await runner.shutdown();
    await checkpoints.settled(60_000);
    console.log(runner.exhausted ? `ran ${count} run${count === 1 ? "" : "s"} (--count); agent exits` : `sweep ${args.sweep} is ${queue.lastSweepState ?? "gone"}; agent exits`);
  }
}

main().catch((error) => {
  console.error(`agent: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
