import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

// What the client's test and the ingest bench share: the client built as its README says (plain
// ESM JavaScript in clients/ts/dist), the real route server (app/_server/testdata/route-server.ts)
// on its own SQLite file, and Node scripts that use the client as any program would.

export const root = path.resolve(import.meta.dirname, "../../..");
/** The built client, as a plain Node ESM script imports it. */
export const clientModule = path.join(root, "clients/ts/dist/sweeplab.js");

/** `tsc -p clients/ts/tsconfig.json`: dist/sweeplab.js and .d.ts. */
export function buildClient(): void {
  const tsc = spawnSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", path.join(root, "clients/ts/tsconfig.json")], { encoding: "utf8" });
  if (tsc.status !== 0) throw new Error(`building the client failed:\n${tsc.stdout}${tsc.stderr}`);
}

export interface RouteServer {
  base: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The route server on a free port, on the database `databaseUrl`, with no engine workers. */
export async function startRouteServer(databaseUrl: string, env: Record<string, string> = {}): Promise<RouteServer> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "app/_server/testdata/route-server.ts")], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, SWEEPLAB_CONCURRENCY: "0", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const base = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(`http://127.0.0.1:${m[1]}`);
    });
    child.once("exit", (code) => reject(new Error(`the route server exited with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    base,
    process: child,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `source` (an ESM script; `CLIENT` in it is replaced by the client's file URL) as a Node child process. */
export function runScript(dir: string, name: string, source: string, env: Record<string, string>): Promise<ScriptResult> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, source.replaceAll("CLIENT", JSON.stringify(new URL(`file://${clientModule}`).href)));
  const child = spawn(process.execPath, [file], { cwd: dir, env: { PATH: process.env.PATH ?? "", ...env } as unknown as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}
