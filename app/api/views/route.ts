import * as z from "zod";
import { handle, jsonError, parseQuery } from "../../_lib/api";
import { KiB, readRequest } from "../../_lib/body";
import { compareViewQuery, parseCompareView } from "../../_lib/compare-view";
import { listSavedViews, saveView } from "../../../prisma/store";
import { Project } from "../../../sweeps/logging-api";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// Named views of the compare page, saved per project (prisma/store/views.ts).
const Page = z.enum(["compare"], { message: "must be compare" });

/** GET /api/views?project=NAME&page=compare → { views: [{ id, name, query, updatedAt }] } */
export const GET = handle(async (req: Request) => {
  const query = parseQuery(req, z.strictObject({ project: Project.optional(), page: Page.optional() }));
  if (!query.ok) return query.response;
  return Response.json({ views: await listSavedViews(query.data.project ?? "default", query.data.page ?? "compare") });
});

const SaveRequest = z.strictObject({
  project: Project.optional(),
  page: Page.optional(),
  name: z.string().trim().min(1, "a view needs a name").max(80, "at most 80 characters"),
  /** The page's URL query (`runs=a,b&metrics=val_loss&smooth=ema:0.6`); kept as the page reads it. */
  query: z.string().max(8 * KiB),
});

/** POST /api/views { project?, page?, name, query } → 201 { view }: saved, or replaced under that name. */
export const POST = handle(async (req: Request) => {
  const body = await readRequest(req, SaveRequest, 16 * KiB, "invalid view");
  if (!body.ok) return body.response;
  const { project = "default", page = "compare", name } = body.data;
  // stored as the page reads it back: what it does not understand is dropped, not kept; a custom
  // panel that does not parse is an error (a view saved without it would lose it silently)
  const view = parseCompareView(new URLSearchParams(body.data.query));
  if (view.panelErrors.length) return jsonError(400, "invalid view", view.panelErrors.map((message) => ({ path: "query", message })));
  const query = compareViewQuery(view);
  return Response.json({ view: await saveView({ project, page, name, query }) }, { status: 201 });
});
