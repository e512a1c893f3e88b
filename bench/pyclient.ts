// The Python client's cost to a training loop: the time one `run.log({...})` takes, with the
// server up, slow (every answer 300 ms late, through a proxy) and down (the run goes offline),
// against the same loop calling a function that does nothing (the baseline, measured in the
// same Python process). Target: under 10 µs per call. With the server up, every point is
// checked to have landed.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { startRouteServer } from "../app/_server/testdata/start-route-server";
import { fmt, header, report } from "./util";

const CALLS = 100_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-bench-pyclient-"));
const root = path.resolve(import.meta.dirname, "..");
const python = process.env.SWEEPLAB_PYTHON || "python3";

const script = `
import json, sys, time, sweeplab
N = ${CALLS}
def loop(log):
    started = time.perf_counter()
    for i in range(N):
        log({"loss": i * 0.001, "acc": 0.5})
    return time.perf_counter() - started
def nothing(values):
    pass
base = min(loop(nothing) for _ in range(3))
run = sweeplab.init(project="bench")
logged = loop(run.log)
started = time.perf_counter()
run.finish()
print(json.dumps({"id": run.id, "base_us": base / N * 1e6, "log_us": logged / N * 1e6, "finish_s": time.perf_counter() - started}))
`;

interface Result {
  id: string;
  base_us: number;
  log_us: number;
  finish_s: number;
}

function runPython(url: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const cwd = fs.mkdtempSync(path.join(dir, "run-"));
    const p = spawn(python, ["-c", script], { cwd, env: { ...process.env, PYTHONPATH: path.join(root, "clients", "python"), SWEEPLAB_URL: url, SWEEPLAB_FINISH_TIMEOUT: "120" }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!) as Result) : reject(new Error(`python exited ${code}: ${err.slice(-400)}`))));
  });
}

/** A proxy that answers every request 300 ms late. */
function slowProxy(target: string): Promise<{ url: string; close: () => void }> {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    await new Promise((r) => setTimeout(r, 300));
    const answer = await fetch(`${target}${req.url}`, { method: req.method, headers: { "content-type": "application/json" }, body: req.method === "POST" ? Buffer.concat(chunks) : undefined });
    res.writeHead(answer.status, { "content-type": "application/json" });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, close: () => server.close() })));
}

async function closedPort(): Promise<string> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return `http://127.0.0.1:${port}`;
}

export async function run(): Promise<void> {
  header(`The Python client's log() in a training loop (${fmt(CALLS, 0)} calls of 2 values; baseline: the same loop calling a no-op)`);
  if (spawnSync(python, ["-c", "print(1)"]).status !== 0) {
    console.log(`     skipped: no ${python} here`);
    return;
  }
  const dbUrl = `file:${path.join(dir, "bench.db")}`;
  const srv = await startRouteServer({ DATABASE_URL: dbUrl, SWEEPLAB_DATA_DIR: dir, SWEEPLAB_CONCURRENCY: "0" });
  const proxy = await slowProxy(srv.base);
  try {
    for (const [label, url] of [["server up", srv.base], ["server slow (answers 300 ms late)", proxy.url], ["server down (offline run)", await closedPort()]] as const) {
      const r = await runPython(url);
      const overhead = r.log_us - r.base_us;
      report(`log() with the ${label}`, `${fmt(overhead, 2)} µs/call (loop ${fmt(r.log_us, 2)}, no-op ${fmt(r.base_us, 2)}), finish ${fmt(r.finish_s, 2)} s`, { ok: overhead < 10, target: "< 10 µs" });
      if (label === "server up") {
        process.env.DATABASE_URL = dbUrl;
        const { metricCounts, disconnectPrisma } = await import("../prisma/store");
        const counts = await metricCounts(r.id);
        await disconnectPrisma();
        const landed = (counts.loss?.points ?? 0) + (counts.acc?.points ?? 0);
        report("points stored of those logged (server up)", `${fmt(landed, 0)} of ${fmt(2 * CALLS, 0)}`, { ok: landed === 2 * CALLS, target: "all" });
      }
    }
  } finally {
    proxy.close();
    srv.server.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
