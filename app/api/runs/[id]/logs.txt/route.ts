import { consoleText } from "../../../../../engine/console";
import { handle, notFound } from "../../../../_lib/api";
import { allLogs, getRun } from "../../../../../prisma/store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * GET /api/runs/:id/logs.txt — the run's console output as a text file: every log line as
 * `npm run train` prints it (engine/console.ts), streamed a page at a time.
 */
export const GET = handle(async (_req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const run = await getRun(id);
  if (!run) return notFound("run", id);
  const encoder = new TextEncoder();
  const pages = allLogs(id);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await pages.next();
      if (next.done) return controller.close();
      controller.enqueue(encoder.encode(next.value.map((l) => `${consoleText(l)}\n`).join("")));
    },
  });
  const name = `${run.name.replace(/[^A-Za-z0-9._-]+/g, "-")}-${run.id}.log`;
  return new Response(body, {
    headers: { "content-type": "text/plain; charset=utf-8", "content-disposition": `attachment; filename="${name}"` },
  });
});
