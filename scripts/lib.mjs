// Shared by the build, start and test scripts.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { outputIsStale, workerBundleIsStale } from "./bundle.mjs";

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

const SOURCES = ["app", "engine", "sweeps", "prisma", "instrumentation.ts", "proxy.ts", "next.config.js", "package.json", "tsconfig.json"];

/** True when the production build is missing or older than its sources: the app or the worker bundle. */
export function buildIsStale() {
  const app = outputIsStale(path.join(ROOT, ".next", "BUILD_ID"), SOURCES.map((s) => path.join(ROOT, s)));
  return app || workerBundleIsStale(ROOT);
}
