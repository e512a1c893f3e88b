import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

// What the client's test and the ingest bench share: the client built as its README says (plain
// ESM JavaScript in clients/ts/dist) and Node scripts that use it as any program would.

export const root = path.resolve(import.meta.dirname, "../../..");
/** The built client, as a plain Node ESM script imports it. */
export const clientModule = path.join(root, "clients/ts/dist/sweeplab.js");

/** `tsc -p clients/ts/tsconfig.json`: dist/sweeplab.js and .d.ts. */
export function buildClient(): void {
  const tsc = spawnSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", path.join(root, "clients/ts/tsconfig.json")], { encoding: "utf8" });
  if (tsc.status !== 0) throw new Error(`building the client failed:\n${tsc.stdout}${tsc.stderr}`);
}

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run `source` as a plain Node ESM script (`__CLIENT__` in it stands for the built client's file
 * URL) in a child process whose environment is PATH and `env` only.
 */
export function runScript(dir: string, name: string, source: string, env: Record<string, string>): Promise<ScriptResult> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, source.replaceAll("__CLIENT__", JSON.stringify(new URL(`file://${clientModule}`).href)));
  const child = spawn(process.execPath, [file], { cwd: dir, env: { PATH: process.env.PATH ?? "", ...env } as unknown as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d));
  child.stderr!.on("data", (d: Buffer) => (stderr += d));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}
