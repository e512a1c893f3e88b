import fs from "node:fs";
import { Readable } from "node:stream";
import { jsonError, runFileName, runGet } from "../../../../_lib/api";
import zlib from "node:zlib";
import { findCheckpoint } from "../../../../../sweeps/checkpoints";
import { loadCheckpoint } from "../../../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/runs/:id/checkpoint — the run's committed checkpoint (weights, optimizer state,
 * config and seed, as `npm run train -- --resume` reads it) as a download. Only that file: the
 * path is the data folder's name for the run's id, and the id must be a stored run's; else the
 * checkpoint kept in the store by the host that trained it elsewhere; 404 when there is none (yet).
 */
export const GET = runGet(async (run) => {
  const file = findCheckpoint(run.id);
  // opened before answering: a commit renaming a newer checkpoint into place leaves this one whole
  const fd = file ? await fs.promises.open(file, "r").catch(() => null) : null;
  const download = { "content-type": "application/json", "content-disposition": `attachment; filename="${runFileName(run, "-checkpoint.json")}"`, "cache-control": "no-store" };
  if (!fd) {
    // trained elsewhere (an agent, another server): the checkpoint its host kept in the store
    const kept = await loadCheckpoint(run.id);
    if (kept) return new Response(new Uint8Array(zlib.gunzipSync(kept.gz)), { headers: download });
  }
  if (!fd) return jsonError(404, `run ${run.id} has no checkpoint yet: one is written as it trains (every few seconds under an executor) and when it ends`);
  const { size } = await fd.stat();
  const body = Readable.toWeb(fd.createReadStream()) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: { ...download, "content-length": String(size) },
  });
});
