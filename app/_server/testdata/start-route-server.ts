import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after } from "node:test";
import { disconnectPrisma } from "../../../prisma/store";
import { until } from "../../../sweeps/testdata/until";

// Tests that need a real server process without a Next build start route-server.ts here: a
// child process serving the route handlers on 127.0.0.1, with its own environment.

const root = path.resolve(import.meta.dirname, "../../..");

export interface RouteServer {
  server: ChildProcess;
  /** http://127.0.0.1:<port> */
  base: string;
  /** Everything it printed so far (stdout and stderr). */
  output: () => string;
}

/** Start the server with `env` over the test's own environment; resolves once it listens. */
export async function startRouteServer(env: Record<string, string>): Promise<RouteServer> {
  const server = spawn(process.execPath, ["--import", "tsx", path.join(root, "app/_server/testdata/route-server.ts")], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  server.stdout!.on("data", (d) => (out += d));
  server.stderr!.on("data", (d) => (out += d));
  const base = await until("the server to listen", async () => {
    if (server.exitCode !== null) throw new Error(`server exited: ${out}`);
    const m = /listening (\d+)/.exec(out);
    return m ? `http://127.0.0.1:${m[1]}` : null;
  });
  return { server, base, output: () => out };
}

/**
 * Servers of one test file on its database and data folder (checkpoints), started at will; when
 * the file's tests end, every one still alive is killed, the store disconnected, the folder removed.
 */
export function durableServers(dbUrl: string, dir: string, concurrency: number): (env?: Record<string, string>) => Promise<RouteServer> {
  const servers: ChildProcess[] = [];
  after(async () => {
    for (const s of servers) s.kill("SIGKILL");
    await disconnectPrisma();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return async (env = {}) => {
    const started = await startRouteServer({ DATABASE_URL: dbUrl, SWEEPLAB_DATA_DIR: dir, SWEEPLAB_CONCURRENCY: String(concurrency), SWEEPLAB_CHECKPOINT_EVERY_MS: "150", SWEEPLAB_WORKER: "", ...env });
    servers.push(started.server);
    return started;
  };
}
