// Small helpers shared by the benchmark scripts: timing, percentiles, printing, the Python of the baselines.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RunConfigInput } from "../engine/config";
import { disconnectPrisma } from "../prisma/store";

/** The Python that runs the numpy / PyTorch baselines: Debian's, where python3-numpy and python3-torch install. */
export const PYTHON = process.env.PYTHON ?? "/usr/bin/python3";

/** The numpy baseline rerun on this machine (chars/s of the whole process); null without numpy. */
export function numpyRerun(steps: number): { charsPerSec: number; line: string } | null {
  const script = fileURLToPath(new URL("./baselines/min_char_rnn.py", import.meta.url));
  const r = spawnSync(PYTHON, [script, String(steps)], { encoding: "utf8" });
  const speed = /([\d,]+) chars\/s/.exec(r.stdout ?? "")?.[1];
  return r.status === 0 && speed ? { charsPerSec: Number(speed.replace(/,/g, "")), line: r.stdout.trim() } : null;
}

/** PyTorch (one thread) training the same configuration here, steady state (chars/s); null without torch. */
export function torchSpeed(config: RunConfigInput, warmup: number, steps: number): number | null {
  const script = fileURLToPath(new URL("./baselines/torch_speed.py", import.meta.url));
  const r = spawnSync(PYTHON, [script, JSON.stringify(config), String(warmup), String(steps)], { encoding: "utf8" });
  if (r.status !== 0) return null;
  return (JSON.parse(r.stdout.trim().split("\n").pop()!) as { chars_per_sec: number }).chars_per_sec;
}

/** `ours` and `theirs` alternately, `rounds` times; the best of each (a shared machine's bursts skew single runs). */
export function interleaved(rounds: number, ours: () => number, theirs: () => number | null): { ours: number; theirs: number | null } {
  let a = 0, b: number | null = null;
  for (let i = 0; i < rounds; i++) {
    a = Math.max(a, ours());
    const t = theirs();
    if (t === null) return { ours: Math.max(a, ...Array.from({ length: rounds - i - 1 }, ours)), theirs: null };
    b = Math.max(b ?? 0, t);
  }
  return { ours: a, theirs: b };
}

/**
 * Which speed baselines can run here, fairly: the modules PYTHON has, and the BLAS they load.
 * Debian's python3-numpy and python3-torch take libblas.so.3 from whatever provides it; with only
 * libblas3 (the reference BLAS) PyTorch's char-LSTM ran 7× slower here than with OpenBLAS, and a
 * baseline that slow flatters us by as much. Then no speed baseline runs (the recorded figures
 * stand in) and `note` says why and what to install.
 */
export function speedBaselines(): { numpy: boolean; torch: boolean; note: string } {
  const probe = `import importlib.util, json
mods = [m for m in ("numpy", "torch") if importlib.util.find_spec(m)]
for m in mods: __import__(m)
print(json.dumps({"mods": mods, "blas": sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.lower() and "/" in l})}))`;
  const r = spawnSync(PYTHON, ["-c", probe], { encoding: "utf8" });
  if (r.status !== 0) return { numpy: false, torch: false, note: `${PYTHON} has neither numpy nor torch` };
  const { mods, blas } = JSON.parse(r.stdout.trim().split("\n").pop()!) as { mods: string[]; blas: string[] };
  const have = `${PYTHON}: ${mods.length ? mods.join(", ") : "neither numpy nor torch"}`;
  const reference = blas.length > 0 && blas.every((b) => /\/blas\/libblas\.so/.test(b));
  if (reference) return { numpy: false, torch: false, note: `${have}, but on the reference BLAS (${blas.join(", ")}): not run, as too slow to be a fair baseline (apt-get install libopenblas0-pthread)` };
  return { numpy: mods.includes("numpy"), torch: mods.includes("torch"), note: `${have}${blas.length ? ` on ${[...new Set(blas.map((b) => path.basename(path.dirname(b))))].join(", ")}` : ""}` };
}

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
