// Issue 15: a 200-run sweep of tiny runs across 2 servers and 4 agents on one PostgreSQL
// database, with one server and one agent killed -9 midway: the wall time, duplicates (a grid
// point run twice, an index proposed twice) and lost runs (any of the 200 not finished).
// Real server processes (route handlers and executor, app/_server/testdata/route-server.ts),
// real agents (`npm run agent`'s sweeps/agent-cli.ts), real workers, a scratch database.
// Each agent names both servers (--server A,B), half of them A first: when A dies, those go on
// through B (sweeps/agent.ts, Servers).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createScratchDatabase } from "../prisma/postgres";
import { fmt, header, report } from "./util";

const RUNS = 200;
const AGENTS = 4;
const TOKEN = "bench-cluster-token";
const root = path.resolve(import.meta.dirname, "..");
// 20 learning rates × 10 hidden sizes: 200 grid points, so a point run twice is a duplicate
const YAML = `
name: cluster
method: grid
metric: { name: val_loss, goal: minimize }
parameters:
  task: { value: quadrant }
  steps: { value: 300 }
  eval_every: { value: 50 }
  log_every: { value: 10 }
  learning_rate: { values: [${Array.from({ length: 20 }, (_, i) => (0.005 * (i + 1)).toFixed(3)).join(", ")}] }
  hidden_size: { values: [${Array.from({ length: 10 }, (_, i) => 4 + 2 * i).join(", ")}] }
`;

export async function run(): Promise<void> {
  header(`A ${RUNS}-run sweep across 2 servers and ${AGENTS} agents on PostgreSQL, one server and one agent killed -9 midway`);
  let pg: Awaited<ReturnType<typeof createScratchDatabase>>;
  try {
    pg = await createScratchDatabase("sweeplab_cluster");
  } catch (error) {
    console.log(`     skipped: ${(error as Error).message}`);
    return;
  }
  process.env.DATABASE_URL = pg.url;
  const { startRouteServer } = await import("../app/_server/testdata/start-route-server");
  const { disconnectPrisma, getSweep, sweepRuns } = await import("../prisma/store");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-bench-cluster-"));
  const children: ChildProcess[] = [];
  try {
    const env = { DATABASE_URL: pg.url, SWEEPLAB_DATA_DIR: dir, SWEEPLAB_AGENT_TOKEN: TOKEN, SWEEPLAB_CONCURRENCY: "1", SWEEPLAB_STALE_AFTER_MS: "3000", SWEEPLAB_CHECKPOINT_EVERY_MS: "200" };
    const a = await startRouteServer(env);
    const b = await startRouteServer(env);
    children.push(a.server, b.server);
    const res = await fetch(`${a.base}/api/sweeps`, { method: "POST", body: YAML + `concurrency: ${2 + AGENTS}\n`, headers: { "content-type": "application/yaml" } });
    if (res.status !== 201) throw new Error(`creating the sweep: ${res.status} ${await res.text()}`);
    const sweepId = ((await res.json()) as { id: string }).id;
    const started = performance.now();
    const agents = Array.from({ length: AGENTS }, (_, i) => {
      const servers = i % 2 === 1 ? `${a.base},${b.base}` : `${b.base},${a.base}`; // odd agents: A first
      const p = spawn(process.execPath, ["--import", "tsx", path.join(root, "sweeps/agent-cli.ts"), "--server", servers, "--token", TOKEN, "--sweep", sweepId, "--concurrency", "1", "--name", `bench-${i}`], {
        cwd: root,
        env: { ...process.env, SWEEPLAB_AGENT_HOME: path.join(dir, "agents"), SWEEPLAB_DATA_DIR: path.join(dir, `agent-${i}`) },
        stdio: ["ignore", "ignore", "ignore"],
      });
      children.push(p);
      return p;
    });
    const byOwner = async () => {
      const runs = await sweepRuns(sweepId);
      return { runs, finished: runs.filter((r) => r.state === "finished").length };
    };
    // midway: kill server A and one agent, each while it trains a run
    let killedAt = 0;
    const onA = (runs: { state: string; claimedBy: string | null }[]) => runs.filter((r) => r.state === "finished" && /^agent:bench-[13]$/.test(r.claimedBy ?? "")).length;
    let onAAtKill = 0;
    for (;;) {
      const { runs, finished } = await byOwner();
      const aBusy = runs.some((r) => r.state === "running" && r.claimedBy?.startsWith(`local:${a.server.pid}:`));
      const agentBusy = runs.some((r) => r.state === "running" && r.claimedBy === "agent:bench-0");
      if (finished >= RUNS / 2 && aBusy && agentBusy) {
        a.server.kill("SIGKILL");
        agents[0].kill("SIGKILL");
        killedAt = finished;
        onAAtKill = onA(runs);
        break;
      }
      if (performance.now() - started > 600_000) throw new Error(`no moment to kill found in 10 min (${finished} finished; runs by state: ${JSON.stringify(Object.fromEntries([...new Set(runs.map((r) => r.state))].map((s) => [s, runs.filter((r) => r.state === s).length])))}; server A said: ${a.output().slice(-1500)})`);
      await new Promise((r) => setTimeout(r, 50));
    }
    let sweep = await getSweep(sweepId);
    while (sweep && sweep.state === "running") {
      if (performance.now() - started > 900_000) throw new Error("the sweep did not end in 15 min");
      await new Promise((r) => setTimeout(r, 200));
      sweep = await getSweep(sweepId);
    }
    const seconds = (performance.now() - started) / 1000;
    const runs = await sweepRuns(sweepId);
    const points = new Map<string, number>();
    for (const r of runs) points.set(`${r.params.learning_rate}/${r.params.hidden_size}`, (points.get(`${r.params.learning_rate}/${r.params.hidden_size}`) ?? 0) + 1);
    const indexes = new Set(runs.map((r) => r.index));
    const duplicates = [...points.values()].filter((n) => n > 1).reduce((s, n) => s + n - 1, 0) + (runs.length - indexes.size);
    const finished = runs.filter((r) => r.state === "finished").length;
    const lost = RUNS - finished;
    const resumed = runs.filter((r) => r.interruptions > 0).length;
    const hosts = new Map<string, number>();
    for (const r of runs) {
      const host = r.claimedBy?.startsWith("agent:") ? r.claimedBy : r.claimedBy?.startsWith(`local:${a.server.pid}:`) ? "server A" : r.claimedBy?.startsWith(`local:${b.server.pid}:`) ? "server B" : String(r.claimedBy);
      hosts.set(host, (hosts.get(host) ?? 0) + 1);
    }
    console.log(`     killed server A and agent bench-0 after ${killedAt} runs had finished; the sweep ended ${sweep?.state} (${sweep?.stateReason ?? ""})`);
    console.log(`     runs by who finished them: ${[...hosts].map(([h, n]) => `${h} ${n}`).join(", ")}; ${resumed} resumed after an interruption`);
    const failedOver = onA(runs) - onAAtKill;
    report(`the agents that talked to server A first, after it was killed`, `${failedOver} runs finished through server B`, { ok: failedOver > 0, target: "> 0" });
    report(`${RUNS}-run sweep, 2 servers + ${AGENTS} agents, kills midway: wall time`, `${fmt(seconds, 1)} s (${fmt(RUNS / seconds, 2)} runs/s)`);
    report(`${RUNS}-run sweep, 2 servers + ${AGENTS} agents, kills midway: duplicates / lost runs`, `${duplicates} / ${lost} (${runs.length} runs, ${finished} finished)`, { ok: duplicates === 0 && lost === 0 && runs.length === RUNS, target: "0 / 0" });
  } finally {
    for (const c of children) c.kill("SIGKILL");
    await disconnectPrisma();
    await pg.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await run();
