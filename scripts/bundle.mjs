// Whether a build output is older than its sources, by modification time. Shared by the build
// scripts (lib.mjs: buildIsStale) and by sweeps/launcher.ts, which must never start a worker
// from a dist/worker.cjs older than the engine it was built from. No side effects on import:
// every function takes the project root.
import fs from "node:fs";
import path from "node:path";

/** The esbuild bundle of engine/worker.ts, relative to the project root. */
export const WORKER_BUNDLE = path.join("dist", "worker.cjs");
/** What the bundle is built from: the engine (the worker and all it imports) and the dependencies it inlines. */
export const WORKER_SOURCES = ["engine", "package.json", "package-lock.json"];

/** Newest mtime (ms) of a file or of the files under a folder (no node_modules, generated, dot entries); 0 if missing. */
export function newestMtime(p) {
  if (!fs.existsSync(/*turbopackIgnore: true*/ p)) return 0;
  const stat = fs.statSync(/*turbopackIgnore: true*/ p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(/*turbopackIgnore: true*/ p)) {
    if (entry === "node_modules" || entry === "generated" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(/*turbopackIgnore: true*/ p, entry)));
  }
  return newest;
}

/** True when `output` (a path) is missing or older than any of `sources` (paths). */
export function outputIsStale(output, sources) {
  if (!fs.existsSync(/*turbopackIgnore: true*/ output)) return true;
  const built = fs.statSync(/*turbopackIgnore: true*/ output).mtimeMs;
  return sources.some((s) => newestMtime(s) > built);
}

/** True when dist/worker.cjs is missing or older than an engine source (~60 stats, under a millisecond). */
export function workerBundleIsStale(root) {
  return outputIsStale(
    path.join(/*turbopackIgnore: true*/ root, WORKER_BUNDLE),
    WORKER_SOURCES.map((s) => path.join(/*turbopackIgnore: true*/ root, s)),
  );
}

/**
 * Write `content` to `file` beside it, then rename it over `file`: a process reading `file`
 * meanwhile (a worker or a command line starting) reads the old content or the new, never half.
 */
export function writeAtomically(file, content) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(/*turbopackIgnore: true*/ tmp, content);
  fs.renameSync(/*turbopackIgnore: true*/ tmp, file);
}
