import * as z from "zod";
import { handle, jsonError, parseQuery } from "../../_lib/api";
import { KiB, nestingProblem, readBodyText } from "../../_lib/body";
import { ArchivedParam, countSweeps, knownCorpora, listCorpora, listSweeps, sweepProgress } from "../../../prisma/store";
import { Project } from "../../../sweeps/logging-api";
import { corpusRefIssues, corpusRefs } from "../../../sweeps/corpus-refs";
import { launchSweep } from "../../../prisma/store/sweep-control";
import { hasUnknownParameter, isProgramSweep, parseSweepConfigText, PROGRAM_SWEEP_HINT } from "../../../sweeps/config";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const MAX_BODY = 256 * KiB;

/**
 * POST /api/sweeps — body: a SweepConfig as JSON, or W&B sweep YAML as text → 201 { id, sweep,
 * warnings }. Every mistake comes back as 400 with its path; nothing is stored then. Warnings
 * (W&B's deprecations, truncated laws, a metric no run logs ...) come with either answer.
 */
export const POST = handle(async (req: Request) => {
  const body = await readBodyText(req, MAX_BODY, { what: "the sweep config" });
  if (!body.ok) return body.response;
  const text = body.data;
  const deep = nestingProblem(text);
  if (deep) return jsonError(400, `invalid sweep config: ${deep}`, [{ path: "", message: deep }]);
  // JSON is YAML, and reading the text (not a parsed object) keeps W&B's 0 vs 0.0 inference.
  const parsed = parseSweepConfigText(text);
  if (!parsed.ok) {
    const first = parsed.issues[0];
    const hint = hasUnknownParameter(parsed.issues) ? ` (${PROGRAM_SWEEP_HINT})` : "";
    const error = jsonError(400, `invalid sweep config: ${first.path ? `${first.path}: ` : ""}${first.message}${hint}`, parsed.issues);
    return Response.json({ ...(await error.json()), warnings: parsed.warnings }, { status: 400 });
  }
  // Over HTTP a sweep names only corpora the app knows, never a file of the server.
  const refs = isProgramSweep(parsed.config) ? [] : corpusRefs(parsed.config); // (a program's parameter called corpus is its own)
  if (refs.length > 0) {
    const known = await knownCorpora(refs.map((r) => String(r.value)));
    const issues = corpusRefIssues(refs, known, (await listCorpora()).map((c) => c.name));
    if (issues.length > 0) return jsonError(400, `invalid sweep config: ${issues[0].path}: ${issues[0].message}`, issues);
  }
  const sweep = await launchSweep(parsed.config, text);
  return Response.json({ id: sweep.id, sweep, warnings: parsed.warnings }, { status: 201, headers: { location: `/api/sweeps/${sweep.id}` } });
});

const SweepsQuery = z.strictObject({
  archived: ArchivedParam.optional(),
  project: Project.optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

/**
 * GET /api/sweeps?archived=hide|include|only&project=NAME&limit=50&offset=0 — a page of the sweeps
 * (archived ones hidden by default; 50 unless `limit` says, at most 500), newest first, with run
 * counts by state and best run, and `total`: how many there are.
 */
export const GET = handle(async (req: Request) => {
  const query = parseQuery(req, SweepsQuery);
  if (!query.ok) return query.response;
  const where = { archived: query.data.archived ?? "hide", project: query.data.project } as const;
  const [sweeps, total] = await Promise.all([listSweeps({ ...where, limit: query.data.limit ?? 50, offset: query.data.offset ?? 0 }), countSweeps(where)]);
  const withProgress = await Promise.all(sweeps.map(async (sweep) => ({ ...sweep, progress: await sweepProgress(sweep) })));
  return Response.json({ sweeps: withProgress, total }, { headers: { "cache-control": "no-store" } });
});
