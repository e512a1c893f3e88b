import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildSync } from "esbuild";

// Tests start the fake worker from an esbuild bundle (like dist/worker.cjs): ~60 ms to the
// first message instead of ~250 ms through tsx, which keeps the executor tests fast.

let bundled: string | null = null;

export function fakeWorkerCommand(): string[] {
  if (!bundled) {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-fake-")), "fake-worker.mjs");
    buildSync({
      entryPoints: [path.join(import.meta.dirname, "fake-worker.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: out,
      logLevel: "error",
    });
    bundled = out;
  }
  return [process.execPath, bundled];
}
