import fs from "node:fs";
import { Readable } from "node:stream";
import { jsonError, runFileName, runGet } from "../../../../_lib/api";
import { findCheckpoint } from "../../../../../sweeps/checkpoints";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/runs/:id/checkpoint — the run's committed checkpoint (weights, optimizer state,
 * config and seed, as `npm run train -- --resume` reads it) as a download. Only that file: the
 * path is the data folder's name for the run's id, and the id must be a stored run's; 404
 * when the run has none (yet).
 */
export const GET = runGet(async (run) => {
  const file = findCheckpoint(run.id);
  // opened before answering: a commit renaming a newer checkpoint into place leaves this one whole
  const fd = file ? await fs.promises.open(file, "r").catch(() => null) : null;
  if (!fd) return jsonError(404, `run ${run.id} has no checkpoint yet: one is written as it trains (every few seconds under an executor) and when it ends`);
  const { size } = await fd.stat();
  const body = Readable.toWeb(fd.createReadStream()) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: { "content-type": "application/json", "content-length": String(size), "content-disposition": `attachment; filename="${runFileName(run, "-checkpoint.json")}"`, "cache-control": "no-store" },
  });
});
