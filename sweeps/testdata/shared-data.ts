import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

// Test material that is not in the repository (real W&B configs, W&B's test data): found in a
// `shared/data` folder beside the checkout or above it (SWEEPLAB_SHARED_DATA overrides), so no
// test hard-codes a machine's path. Tests skip with a message when a folder is absent.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The folder `name` under the shared data directory, or null with the places looked at. */
export function sharedData(name: string): { dir: string } | { missing: string } {
  const candidates = process.env.SWEEPLAB_SHARED_DATA
    ? [process.env.SWEEPLAB_SHARED_DATA]
    : [1, 2, 3].map((up) => path.join(ROOT, ...Array<string>(up).fill(".."), "shared", "data"));
  for (const base of candidates) {
    const dir = path.join(base, name);
    if (fs.existsSync(dir)) return { dir };
  }
  if (process.env.SWEEPLAB_SHARED_DATA) return { missing: `no ${name} folder in SWEEPLAB_SHARED_DATA=${process.env.SWEEPLAB_SHARED_DATA}` };
  return { missing: `no ${name} folder in ${candidates.map((c) => path.relative(ROOT, c)).join(", ")} (relative to the repository; SWEEPLAB_SHARED_DATA sets the place)` };
}
