import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { SweepConfig } from "./config.ts";
import { analyzeImportance, analyzeImportanceByBranch, type ImportanceResult, type ImportanceRun } from "./importance.ts";

// Importance off the server's thread. Its model's posterior draws take 0.1 to 1.5 s of CPU (a
// sweep of 40 configurations or more, sampled to 40), recomputed whenever a run's value changes,
// and Node serves every page and API call from one thread: while it ran, every request waited.
// Now one worker thread per process computes it, started when first needed and kept (it does not
// keep the process alive), and the server's thread only posts the runs and awaits the answer.
// The thread runs this module's sources through tsx, so it is never older than them.

/** What the sweep page's importance is computed from. */
export interface ImportanceJob {
  runs: ImportanceRun[];
  /** the sweep's config (a tree of choices is judged per branch); null: the runs' own parameters */
  config: SweepConfig | null;
  seed: number;
}

/** The computation itself, in whichever thread runs it. */
export function runImportanceJob(job: ImportanceJob): ImportanceResult {
  return job.config ? analyzeImportanceByBranch(job.runs, { config: job.config, seed: job.seed }) : analyzeImportance(job.runs, { seed: job.seed });
}

export type ImportanceReply = { id: number; result: ImportanceResult } | { id: number; error: string };

interface Thread {
  worker: Worker;
  pending: Map<number, { resolve: (r: ImportanceResult) => void; reject: (e: Error) => void }>;
}

interface ThreadState {
  thread: Thread | null;
  /** Why a thread could not be had (then each job runs in the caller's thread, as before). */
  unavailable: string | null;
  nextId: number;
}
// on globalThis: one thread for the process, though Next bundles each page and route that computes apart
const state: ThreadState = ((globalThis as { __sweeplabImportanceThread?: ThreadState }).__sweeplabImportanceThread ??= { thread: null, unavailable: null, nextId: 0 });

/** The module a thread starts from, and tsx's API to load it, from the checkout's root. */
function entryUrls(root: string): { entry: string; tsx: string } {
  const entry = pathToFileURL(path.join(/*turbopackIgnore: true*/ root, "sweeps", "importance-worker.ts")).href;
  // (require's resolution names the CommonJS build, whose register() fails when imported: its ESM twin beside it)
  const cjs = createRequire(path.join(/*turbopackIgnore: true*/ root, "package.json")).resolve("tsx/esm/api");
  const esm = cjs.replace(/\.cjs$/, ".mjs");
  return { entry, tsx: pathToFileURL(fs.existsSync(esm) ? esm : cjs).href };
}

function startThread(root: string): Thread {
  const { entry, tsx } = entryUrls(root);
  // (a worker's own --import tsx does not reach its entry module in Node 20: tsx's API loads it)
  const code = `import(${JSON.stringify(tsx)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;
  const worker = new Worker(code, { eval: true, name: "sweeplab-importance" });
  const t: Thread = { worker, pending: new Map() };
  worker.unref();
  worker.on("message", (reply: ImportanceReply) => {
    const waiting = t.pending.get(reply.id);
    if (!waiting) return;
    t.pending.delete(reply.id);
    if ("error" in reply) waiting.reject(new Error(reply.error));
    else waiting.resolve(reply.result);
  });
  const fail = (why: string) => {
    if (state.thread === t) state.thread = null;
    for (const w of t.pending.values()) w.reject(new ThreadGone(why));
    t.pending.clear();
  };
  worker.on("error", (e) => fail(`importance thread failed: ${e.message}`));
  worker.on("exit", (code) => fail(`importance thread exited (${code})`));
  return t;
}

/** The thread went (it could not start, or crashed): the job was not computed, and can be run here. */
class ThreadGone extends Error {}

/**
 * runImportanceJob in the process's importance thread. Where no thread can be had (tsx not
 * found, the thread failed to start or crashed), in this thread, as before, and the reason is
 * logged once.
 */
export async function analyzeImportanceOffThread(job: ImportanceJob, root = process.env.SWEEPLAB_ROOT ?? process.cwd()): Promise<ImportanceResult> {
  if (state.unavailable === null) {
    try {
      state.thread ??= startThread(root);
      const t = state.thread;
      const id = state.nextId++;
      const answer = new Promise<ImportanceResult>((resolve, reject) => t.pending.set(id, { resolve, reject }));
      // only while a job is in flight does the thread hold the process open
      if (t.pending.size === 1) t.worker.ref();
      t.worker.postMessage({ id, job });
      try {
        return await answer;
      } finally {
        if (t.pending.size === 0) t.worker.unref();
      }
    } catch (e) {
      if (!(e instanceof ThreadGone) && !(e instanceof Error && /Cannot find (module|package)/.test(e.message))) throw e;
      state.unavailable ??= e.message;
      console.warn(`sweeplab: importance is computed in the server's thread (${e.message})`);
    }
  }
  return runImportanceJob(job);
}

/** Ends the importance thread, if one was started (tests; a process otherwise leaves it to exit with it). */
export async function stopImportanceThread(): Promise<void> {
  const t = state.thread;
  state.thread = null;
  if (t) await t.worker.terminate();
}
