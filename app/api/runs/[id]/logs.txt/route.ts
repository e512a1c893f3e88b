import { consoleText } from "../../../../../engine/console";
import { runFileName, runGet, streamedDownload } from "../../../../_lib/api";
import { allLogs } from "../../../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/runs/:id/logs.txt — the run's console output as a text file: every log line as
 * `npm run train` prints it (engine/console.ts), streamed a page at a time.
 */
export const GET = runGet(async (run) => {
  async function* text() {
    for await (const page of allLogs(run.id)) yield page.map((l) => `${consoleText(l)}\n`).join("");
  }
  return streamedDownload(text(), "text/plain; charset=utf-8", runFileName(run, ".log"));
});
