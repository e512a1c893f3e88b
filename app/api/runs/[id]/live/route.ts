import * as z from "zod";
import { handle, notFound, parseQuery } from "../../../../_lib/api";
import { loadRunLive } from "../../../../runs/[id]/data";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** A count of rows held, or the largest id among them (ids are the database's 32-bit integers). */
const HeldCount = z.coerce.number().int().min(0).max(2 ** 31 - 1).optional();

const Query = z
  .strictObject({
    after: z.coerce.number().int().min(0).optional(),
    logs: HeldCount,
    points: z.coerce.number().int().min(10).max(10_000).optional(),
    since: z.coerce.number().int().optional(),
    series: z.coerce.number().int().min(1).max(1000).optional(),
    last: z.string().min(1).max(1000).optional(),
    samples: HeldCount,
    samplesAfter: HeldCount,
    diagnostics: HeldCount,
    diagnosticsAfter: HeldCount,
  })
  .refine((q) => (q.since === undefined) === (q.series === undefined) && (q.since === undefined) === (q.last === undefined), { message: "since=, series= and last= come together", path: ["since"] })
  .refine((q) => q.logs === undefined || q.after !== undefined, { message: "logs= comes with after=", path: ["logs"] })
  .refine((q) => (q.samples === undefined) === (q.samplesAfter === undefined), { message: "samples= and samplesAfter= come together", path: ["samples"] })
  .refine((q) => (q.diagnostics === undefined) === (q.diagnosticsAfter === undefined), { message: "diagnostics= and diagnosticsAfter= come together", path: ["diagnostics"] });

const held = (count: number | undefined, lastId: number | undefined) => (count !== undefined && lastId !== undefined ? { count, lastId } : undefined);

/**
 * GET /api/runs/:id/live?after=<log id> — the run, its curves, samples, new log lines and
 * diagnostics in one response. With logs=<n> (the page counts n lines up to <log id>): the
 * count goes on from there instead of counting the whole console again. With since=<step>&series=<n>&last=<name> (the page holds n
 * series, the last named <name>, each up to <step>): the curves' points after <step> only,
 * when it can (seriesAfter says so; app/_lib/run-series.ts). With samples=<n>&samplesAfter=<id>
 * (the page holds n samples, the largest id <id>): the samples stored after that id only, when
 * the page still holds what the store does up to there (samplesAfter says so); the same for
 * diagnostics= and diagnosticsAfter= (app/_lib/live-rows.ts).
 */
export const GET = handle(async (req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  const query = parseQuery(req, Query);
  if (!query.ok) return query.response;
  const { after, logs, points, since, series, last, samples, samplesAfter, diagnostics, diagnosticsAfter } = query.data;
  const data = await loadRunLive(id, {
    afterLog: after,
    logCount: logs,
    points,
    since: since !== undefined ? { step: since, count: series!, last: last! } : undefined,
    samples: held(samples, samplesAfter),
    diagnostics: held(diagnostics, diagnosticsAfter),
  });
  return data ? Response.json(data) : notFound("run", id);
});
