// The UI while every core trains (issue 13 §3): a real `next start` (built first when stale)
// trains a charlm sweep at its default concurrency (one run per core) while 20 clients poll what
// the pages poll — the runs table, the sweeps list, a sweep page and its progress and runs, a
// live run's page and its live endpoint — once a second each. Baseline, measured in the same run:
// the same 20 clients against the same server before anything trains. Target: p95 ≤ 300 ms
// while training.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { buildIsStale } from "../scripts/lib.mjs";
import { fmt, header, percentile, report } from "./util";

const root = path.resolve(import.meta.dirname, "..");
const CLIENTS = 20;
const SECONDS = 20;

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** 20 clients, each asking one of `urls` a second (round robin, staggered), for SECONDS: every answer's latency. */
async function poll(base: string, urls: string[]): Promise<number[]> {
  const times: number[] = [];
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      await new Promise((r) => setTimeout(r, (c * 1000) / CLIENTS));
      for (let i = c; Date.now() < end; i++) {
        const started = performance.now();
        const res = await fetch(`${base}${urls[i % urls.length]}`, { headers: { accept: "text/html,application/json" } });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`${urls[i % urls.length]} → ${res.status}`);
        const took = performance.now() - started;
        times.push(took);
        await new Promise((r) => setTimeout(r, Math.max(0, 1000 - took)));
      }
    }),
  );
  return times;
}

export async function run(): Promise<void> {
  header(`The UI while every core trains: ${CLIENTS} clients polling pages and APIs once a second (next start)`);
  if (buildIsStale()) {
    console.log("     (building the app first: it is older than its sources)");
    const built = spawnSync(process.execPath, [path.join(root, "scripts", "build.mjs")], { cwd: root, stdio: "ignore" });
    if (built.status !== 0) throw new Error("the build failed: run npm run build to see why");
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-bench-ui-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: `file:${path.join(dir, "ui.db")}`, SWEEPLAB_DATA_DIR: dir, NEXT_TELEMETRY_DISABLED: "1" };
  delete env.SWEEPLAB_CONCURRENCY; // the default: one run per core
  const server: ChildProcess = spawn(path.join(root, "node_modules", ".bin", "next"), ["start", "-H", "127.0.0.1", "-p", String(port)], { cwd: root, env: env as NodeJS.ProcessEnv, stdio: "ignore" });
  try {
    await until("the server", async () => (await fetch(`${base}/api/runs?limit=1`)).ok);
    const post = async (body: unknown) => ((await (await fetch(`${base}/api/sweeps`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json()) as { id: string }).id;
    // a finished sweep to look at, then the baseline with nothing training
    const small = await post({ name: "finished", method: "grid", parameters: { task: { value: "quadrant" }, steps: { value: 60 }, learning_rate: { values: [0.01, 0.03] } } });
    await until("the small sweep to finish", async () => ((await (await fetch(`${base}/api/sweeps/${small}`)).json()) as { sweep: { state: string } }).sweep.state === "finished");
    const runsOf = async (id: string) => ((await (await fetch(`${base}/api/runs?sweep=${id}`)).json()) as { runs: { id: string; state: string }[] }).runs;
    const doneRun = (await runsOf(small))[0].id;
    const pages = (sweep: string, runId: string) => [
      "/",
      "/sweeps",
      `/sweeps/${sweep}`,
      `/api/sweeps/${sweep}/progress`,
      `/api/runs?sweep=${sweep}&sort=index&limit=100000`,
      `/runs/${runId}`,
      `/api/runs/${runId}/live?after=0`,
    ];
    const idle = await poll(base, pages(small, doneRun));

    // a charlm sweep that trains through the measurement, one run per core
    const big = await post({
      name: "training",
      method: "grid",
      parameters: { task: { value: "charlm" }, cell: { value: "lstm" }, hidden_size: { value: 128 }, steps: { value: 200_000 }, eval_every: { value: 100 }, learning_rate: { values: [0.001, 0.003, 0.01, 0.03] }, dropout: { values: [0, 0.2] } },
    });
    const live = await until("runs training on every core", async () => {
      const running = (await runsOf(big)).filter((r) => r.state === "running");
      return running.length >= os.cpus().length ? running[0].id : null;
    });
    await new Promise((r) => setTimeout(r, 3000)); // (past the workers' start-up)
    const busy = await poll(base, [...pages(big, live), ...pages(small, doneRun)]);
    await fetch(`${base}/api/sweeps/${big}/cancel`, { method: "POST" });

    const p = (xs: number[], q: number) => percentile(xs, q);
    report(`pages and APIs, ${os.cpus().length} runs training (one per core)`, `p50 ${fmt(p(busy, 50))} ms, p95 ${fmt(p(busy, 95))} ms (${busy.length} requests)`, { ok: p(busy, 95) <= 300, target: "p95 ≤ 300 ms" });
    report("  ... the same clients, nothing training (baseline)", `p50 ${fmt(p(idle, 50))} ms, p95 ${fmt(p(idle, 95))} ms (${idle.length} requests)`);
    report("  ... training / idle, p95", `${fmt(p(busy, 95) / p(idle, 95), 2)}×`);
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 1500));
    server.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
