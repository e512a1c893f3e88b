import { consoleText } from "../../../../../engine/console";
import { runFileName, runGet } from "../../../../_lib/api";
import { allLogs } from "../../../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/runs/:id/logs.txt — the run's console output as a text file: every log line as
 * `npm run train` prints it (engine/console.ts), streamed a page at a time.
 */
export const GET = runGet((run) => {
  const encoder = new TextEncoder();
  const pages = allLogs(run.id);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await pages.next();
      if (next.done) return controller.close();
      controller.enqueue(encoder.encode(next.value.map((l) => `${consoleText(l)}\n`).join("")));
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/plain; charset=utf-8", "content-disposition": `attachment; filename="${runFileName(run, ".log")}"` },
  });
});
