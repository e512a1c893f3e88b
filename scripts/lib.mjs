// Shared by the build, start and test scripts.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..");
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
process.env.CHECKPOINT_DISABLE ??= "1";

/** Run a command in the project root, inheriting stdio; exit with its code on failure. */
export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: ROOT, stdio: "inherit", env: process.env, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    if (!options.allowFailure) process.exit(result.status ?? 1);
  }
  return result.status ?? 1;
}

export const bin = (name) => path.join(ROOT, "node_modules", ".bin", name);

const SOURCES = ["app", "engine", "sweeps", "prisma", "instrumentation.ts", "next.config.js", "package.json", "tsconfig.json"];

function newestMtime(p) {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(p)) {
    if (entry === "node_modules" || entry === "generated" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

/** True when the production build is missing or older than any source file. */
export function buildIsStale() {
  const stamp = path.join(ROOT, ".next", "BUILD_ID");
  const worker = path.join(ROOT, "dist", "worker.mjs");
  if (!fs.existsSync(stamp) || !fs.existsSync(worker)) return true;
  const built = Math.min(fs.statSync(stamp).mtimeMs, fs.statSync(worker).mtimeMs);
  return SOURCES.some((s) => newestMtime(path.join(ROOT, s)) > built);
}
