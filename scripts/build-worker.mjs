// Bundle engine/worker.ts into dist/worker.mjs (one file, starts fast).
import { bin, run } from "./lib.mjs";

run(bin("esbuild"), [
  "engine/worker.ts",
  "--bundle",
  "--platform=node",
  "--format=esm",
  "--target=node20",
  "--outfile=dist/worker.mjs",
  "--log-level=warning",
]);
