// Small helpers shared by the benchmark scripts: timing, percentiles, printing, the Python of the baselines.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { disconnectPrisma } from "../prisma/store";

/** The Python that runs the numpy / PyTorch baselines: Debian's, where python3-numpy and python3-torch install. */
export const PYTHON = process.env.PYTHON ?? "/usr/bin/python3";

/** Whether PYTHON can import every one of `modules`. */
export function pythonHas(...modules: string[]): boolean {
  return spawnSync(PYTHON, ["-c", `import ${modules.join(", ")}`], { encoding: "utf8" }).status === 0;
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export async function timeIt<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** Run `fn` `n` times (after `warmup` untimed runs) and return the times in ms. */
export async function repeat(n: number, fn: () => Promise<unknown> | unknown, warmup = 2): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push((await timeIt(fn)).ms);
  return times;
}

export function header(title: string): void {
  console.log(`\n## ${title}`);
}

/** One result line: the figure, the target and whether it is met. */
export function report(label: string, value: string, verdict?: { ok: boolean; target: string }): void {
  const mark = verdict ? (verdict.ok ? "ok  " : "MISS") : "    ";
  console.log(`${mark} ${label.padEnd(58)} ${value}${verdict ? `   (target ${verdict.target})` : ""}`);
}

export const fmt = (n: number, digits = 1) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * A bench section's own SQLite file in a fresh folder, as DATABASE_URL while it runs; `done`
 * disconnects, puts the previous DATABASE_URL back and removes the folder.
 */
export function scratchDatabase(prefix: string): { dir: string; file: string; done: () => Promise<void> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const file = path.join(dir, "bench.db");
  const previousUrl = process.env.DATABASE_URL;
  process.env.DATABASE_URL = `file:${file}`;
  return {
    dir,
    file,
    done: async () => {
      await disconnectPrisma();
      if (previousUrl === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previousUrl;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
