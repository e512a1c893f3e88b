import type * as z from "zod";
import { asStorageError, DatabaseError } from "../../prisma/database";
import { getRun, getSweep } from "../../prisma/store";
import type { RunRecord, SweepRecord } from "../../prisma/store";
import type { ControlResult } from "../../prisma/store/sweep-control";

// Route-handler helpers: the error shape of DESIGN.md and zod-checked input.
//   { "error": "message", "issues": [{ "path": "a.b", "message": "..." }] }

export interface ApiIssue {
  path: string;
  message: string;
}

export function jsonError(status: number, error: string, issues: ApiIssue[] = []): Response {
  return Response.json({ error, issues }, { status });
}

export function zodIssues(error: z.ZodError, prefix = ""): ApiIssue[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join("."),
    message: i.message,
  }));
}

/** 400 with the zod issues, their paths naming the fields. */
export function invalid(error: z.ZodError, what = "invalid request", prefix = ""): Response {
  const issues = zodIssues(error, prefix);
  const first = issues[0];
  return jsonError(400, first ? `${what}: ${first.path ? `${first.path}: ` : ""}${first.message}` : what, issues);
}

/** Query string → plain object; keys listed in `arrays` always become arrays (repeatable). */
export function searchParamsObject(url: string | URL, arrays: string[] = []): Record<string, string | string[]> {
  const params = new URL(url).searchParams;
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = arrays.includes(key) ? all : all[all.length - 1];
  }
  return out;
}

/** Parse the query string with a schema; on failure the Response to return. */
export function parseQuery<S extends z.ZodType>(
  req: Request,
  schema: S,
  arrays: string[] = [],
): { ok: true; data: z.output<S> } | { ok: false; response: Response } {
  const parsed = schema.safeParse(searchParamsObject(req.url, arrays));
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, response: invalid(parsed.error, "invalid query") };
}

/**
 * parseQuery for a runs view (the runs list, the runs table, their CSVs, the table's poll): its
 * filters (repeatable) checked by the schema, and a `sweep=` that names no sweep a 404 — an
 * unknown id is an error, not an empty view.
 */
export async function parseViewQuery<S extends z.ZodType<{ sweep?: string }>>(
  req: Request,
  schema: S,
): Promise<{ ok: true; data: z.output<S> } | { ok: false; response: Response }> {
  const query = parseQuery(req, schema, ["filter"]);
  if (!query.ok) return query;
  const { sweep } = query.data as { sweep?: string };
  if (sweep !== undefined && !(await getSweep(sweep))) return { ok: false, response: notFound("sweep", sweep) };
  return query;
}

export const ID_RE = /^[0-9a-z]{4,32}$/;

/** 404 for ids that cannot exist (malformed) as well as for ids that do not. */
export function notFound(what: string, id: string): Response {
  return ID_RE.test(id) ? jsonError(404, `${what} ${id} not found`) : jsonError(404, `${what} "${id.slice(0, 40)}" not found: ids are 4–32 lowercase letters and digits`);
}

/**
 * A 500 that tells the caller nothing of the server's insides (messages name files, SQL,
 * stack frames): the error is logged here with an id, and the answer carries only that id.
 */
export function internalError(error: unknown, where = ""): Response {
  const id = crypto.randomUUID().slice(0, 8);
  console.error(`[error ${id}]${where ? ` ${where}:` : ""}`, error);
  const what = error instanceof DatabaseError ? "database error" : "internal error";
  return jsonError(500, `${what} (id ${id}): the details are in the server's log`);
}

/** Wrap a handler: a failure to store (disk full, database busy) becomes a 503 that says so; a DatabaseError or any unexpected error a 500 with the error shape and no internals. */
export function handle<A extends unknown[]>(fn: (...args: A) => Promise<Response>) {
  return async (...args: A): Promise<Response> => {
    try {
      return await fn(...args);
    } catch (error) {
      const storage = asStorageError(error);
      if (storage) return jsonError(503, `${storage.message}; try again once it is fixed`);
      const req = args[0];
      return internalError(error, req instanceof Request ? `${req.method} ${new URL(req.url).pathname}` : "");
    }
  };
}

/** The second argument Next passes to a route under a dynamic [id] segment. */
export type IdContext = { params: Promise<{ id: string }> };

/** GET /api/sweeps/:id/… — 404 for an unknown sweep, else `load(sweep)` as uncached JSON. */
export function sweepGet(load: (sweep: SweepRecord) => Promise<unknown> | unknown) {
  return handle(async (_req: Request, ctx: IdContext) => {
    const { id } = await ctx.params;
    const sweep = await getSweep(id);
    if (!sweep) return notFound("sweep", id);
    return Response.json(await load(sweep), { headers: { "cache-control": "no-store" } });
  });
}

/** GET /api/runs/:id/… — 404 for an unknown run, else `load(run, req)`'s answer. */
export function runGet(load: (run: RunRecord, req: Request) => Promise<Response> | Response) {
  return handle(async (req: Request, ctx: IdContext) => {
    const { id } = await ctx.params;
    const run = await getRun(id);
    if (!run) return notFound("run", id);
    return load(run, req);
  });
}

/** A download's file name for a run: its name (letters, digits, . _ - kept), its id and `suffix`. */
export const runFileName = (run: { name: string; id: string }, suffix: string): string => `${run.name.replace(/[^A-Za-z0-9._-]+/g, "-")}-${run.id}${suffix}`;

/**
 * POST /api/{runs,sweeps}/:id/<action> — the store's control action on `what` :id: 404 when it
 * does not exist, its 409 when its state does not allow it, else `reply(value)` with `status`.
 */
export function controlPost<T>(what: "run" | "sweep", act: (id: string) => Promise<ControlResult<T>>, reply: (value: T) => unknown, status = 200) {
  return handle(async (_req: Request, ctx: IdContext) => {
    const { id } = await ctx.params;
    const result = await act(id);
    if (!result.ok) return result.status === 404 ? notFound(what, id) : jsonError(result.status, result.error);
    return Response.json(reply(result.value), { status });
  });
}

/**
 * A file download streamed from text chunks: the next chunk is made only when the client has
 * read the last (a page of rows at a time, never the whole file in memory).
 */
export function streamedDownload(chunks: AsyncGenerator<string>, contentType: string, fileName: string): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(body, { headers: { "content-type": contentType, "content-disposition": `attachment; filename="${fileName}"`, "cache-control": "no-store" } });
}
