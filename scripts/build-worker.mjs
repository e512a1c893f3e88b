// Bundle engine/worker.ts into dist/worker.mjs (one file, starts fast). Run by the build and
// test scripts, and by sweeps/launcher.ts when the bundle is older than the engine sources.
// Written beside the bundle, then renamed over it: a worker started meanwhile (by a running
// server, sweep or agent) reads the old bundle or the new one, never half a file.
import fs from "node:fs";
import path from "node:path";
import { WORKER_BUNDLE } from "./bundle.mjs";
import { bin, ROOT, run } from "./lib.mjs";

const out = path.join(ROOT, WORKER_BUNDLE);
const tmp = `${out}.tmp-${process.pid}`;
run(bin("esbuild"), [
  "engine/worker.ts",
  "--bundle",
  "--platform=node",
  "--format=esm",
  "--target=node20",
  `--outfile=${tmp}`,
  "--log-level=warning",
]);
fs.renameSync(tmp, out);
