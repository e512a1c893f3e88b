import { expect, test } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { ROOT, screen } from "./runs-util";

// Journey: a sweep trains on a real `next start`; the server is killed -9 with runs mid-way,
// started again, later stopped with SIGTERM (it exits within seconds, leaving no run
// `running`), started again — and the sweep page ends finished with six finished runs and
// nothing failed, and an interrupted run's logs say where it resumed. This server is our own
// (its own port, database and data dir), beside the suite's.

const dir = path.join(ROOT, ".tmp", "e2e-restart");
const env = {
  ...process.env,
  DATABASE_URL: `file:${path.join(dir, "restart.db")}`,
  SWEEPLAB_DATA_DIR: dir,
  SWEEPLAB_CONCURRENCY: "2",
  SWEEPLAB_CHECKPOINT_EVERY_MS: "200",
  NEXT_TELEMETRY_DISABLED: "1",
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

let port = 0;
let server: ChildProcess | null = null;
const base = () => `http://127.0.0.1:${port}`;

async function startServer(): Promise<ChildProcess> {
  const child = spawn(path.join(ROOT, "node_modules", ".bin", "next"), ["start", "-H", "127.0.0.1", "-p", String(port)], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  await expect
    .poll(async () => {
      if (child.exitCode !== null) throw new Error(`next start exited: ${out}`);
      return fetch(`${base()}/api/runs?limit=1`).then((r) => r.status, () => 0);
    }, { timeout: 60_000 })
    .toBe(200);
  server = child;
  return child;
}

const exited = (p: ChildProcess) => new Promise<number | null>((resolve) => (p.exitCode !== null ? resolve(p.exitCode) : p.once("exit", (code) => resolve(code))));

interface RunRow {
  id: string;
  name: string;
  state: string;
  lastStep: number;
}
const runsOf = async (sweepId: string) => ((await (await fetch(`${base()}/api/runs?sweep=${sweepId}&limit=100`)).json()) as { runs: RunRow[] }).runs;

test.afterAll(() => {
  server?.kill("SIGKILL");
});

test("a sweep survives a kill -9 and a SIGTERM of its server and ends finished", async ({ page }) => {
  test.setTimeout(240_000);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  port = await freePort();
  let child = await startServer();
  const created = await fetch(`${base()}/api/sweeps`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      name: "e2e restarts",
      method: "grid",
      concurrency: 2,
      parameters: {
        task: { value: "charlm" },
        hidden_size: { value: 48 },
        seq_length: { value: 32 },
        batch_size: { value: 8 },
        // (long enough that two runs are mid-way for seconds on an idle, fast machine too: CI
        // once saw 700-step runs finish between two polls of a loaded server)
        steps: { value: 3000 },
        eval_every: { value: 100 },
        sample_every: { value: 500 },
        sample_length: { value: 40 },
        learning_rate: { values: [0.003, 0.01, 0.03] },
        dropout: { values: [0, 0.2] },
      },
    }),
  });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };

  await page.goto(`${base()}/sweeps/${id}`);
  const badge = page.locator(".page-header [data-testid=state-badge]");
  await expect(badge).toHaveAttribute("data-state", "running");
  await expect(page.getByTestId("stat-running").locator(".value")).toHaveText("2", { timeout: 30_000 });

  // kill -9 with two runs mid-way (the unit test app/_server/durability.test.ts kills it during the very first runs)
  await expect.poll(async () => (await runsOf(id)).filter((r) => r.state === "running" && r.lastStep >= 100).length, { timeout: 60_000, intervals: [100] }).toBe(2);
  child.kill("SIGKILL");
  await exited(child);
  child = await startServer();
  await page.reload();
  await expect(badge).toHaveAttribute("data-state", "running");
  await expect(page.getByTestId("stat-failed").locator(".value")).toHaveText("0");

  // SIGTERM later, with runs in progress
  await expect
    .poll(async () => {
      const runs = await runsOf(id);
      // (every run in progress mid-way: one that starts late on a busy machine is waited for)
      const running = runs.filter((r) => r.state === "running");
      return runs.filter((r) => r.state === "finished").length >= 2 && running.length >= 1 && running.every((r) => r.lastStep >= 100 && r.lastStep < 2500);
    }, { timeout: 120_000, intervals: [100] })
    .toBe(true);
  const t0 = Date.now();
  child.kill("SIGTERM");
  expect(await exited(child)).toBe(143);
  expect(Date.now() - t0).toBeLessThan(8000);
  child = await startServer();
  expect((await runsOf(id)).filter((r) => r.state === "running").length).toBeLessThanOrEqual(2); // (the new server may have claimed them again already)

  await page.reload();
  await expect(badge).toHaveAttribute("data-state", "finished", { timeout: 120_000 });
  await expect(page.getByTestId("stat-finished").locator(".value")).toHaveText("6");
  await expect(page.getByTestId("stat-failed").locator(".value")).toHaveText("0");
  await screen(page, "sweep-after-restarts");

  // an interrupted run says where it resumed
  const runs = await runsOf(id);
  expect(runs.map((r) => r.state)).toEqual(Array(6).fill("finished"));
  let shown = false;
  for (const run of runs) {
    const logs = ((await (await fetch(`${base()}/api/runs/${run.id}/logs`)).json()) as { logs: { message: string }[] }).logs.map((l) => l.message);
    if (!logs.some((m) => m.startsWith("interrupted at step"))) continue;
    // (a run claimed a moment before the SIGTERM had no checkpoint yet: it starts over, and says so)
    const fromCheckpoint = logs.some((m) => /^resumed from the checkpoint at step \d+$/.test(m));
    expect(fromCheckpoint || logs.some((m) => /; it resumes from the start \(no checkpoint yet\)$/.test(m))).toBe(true);
    if (!shown && fromCheckpoint) {
      await page.goto(`${base()}/runs/${run.id}?tab=logs`);
      await expect(page.getByTestId("logs")).toContainText("interrupted at step");
      await expect(page.getByTestId("logs")).toContainText("resumed from the checkpoint at step");
      await screen(page, "run-logs-after-restart");
      shown = true;
    }
  }
  expect(shown).toBe(true);
  child.kill("SIGTERM");
  await exited(child);
});
