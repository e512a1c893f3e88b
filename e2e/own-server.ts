import { expect } from "@playwright/test";
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { ROOT } from "./runs-util";

// A second `next start` of the same build, on a free port with a database of its own: for
// journeys that need another configuration (listening beyond loopback with an access token)
// or data that must not leak into the shared e2e database. No local workers.

/** A port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = http.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface OwnServer {
  port: number;
  base: string;
  /** DATABASE_URL of its database */
  databaseUrl: string;
  stop(): void;
}

export async function startOwnServer(name: string, options: { host?: string; env?: Record<string, string> } = {}): Promise<OwnServer> {
  const dir = path.join(ROOT, ".tmp", `e2e-${name}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const databaseUrl = `file:${path.join(dir, `${name}.db`)}`;
  const server = spawn(path.join(ROOT, "node_modules", ".bin", "next"), ["start", "-H", options.host ?? "127.0.0.1", "-p", String(port)], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, SWEEPLAB_DATA_DIR: dir, SWEEPLAB_CONCURRENCY: "0", NEXT_TELEMETRY_DISABLED: "1", ...options.env },
    stdio: "ignore",
  });
  await expect.poll(async () => (await fetch(`${base}/login`).catch(() => null))?.status ?? 0, { timeout: 30_000 }).toBe(200);
  return { port, base, databaseUrl, stop: () => void server.kill("SIGTERM") };
}
