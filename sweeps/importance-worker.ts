import { parentPort } from "node:worker_threads";
import { runImportanceJob, type ImportanceJob, type ImportanceReply } from "./importance-thread.ts";

// The importance thread (sweeps/importance-thread.ts): one job at a time, in the order posted.
parentPort!.on("message", ({ id, job }: { id: number; job: ImportanceJob }) => {
  let reply: ImportanceReply;
  try {
    reply = { id, result: runImportanceJob(job) };
  } catch (e) {
    reply = { id, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
});
