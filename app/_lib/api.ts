import type { z } from "zod";
import { DatabaseError } from "../../prisma/database";

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

export const ID_RE = /^[0-9a-z]{4,32}$/;

/** 404 for ids that cannot exist (malformed) as well as for ids that do not. */
export function notFound(what: string, id: string): Response {
  return ID_RE.test(id) ? jsonError(404, `${what} ${id} not found`) : jsonError(404, `${what} "${id.slice(0, 40)}" not found: ids are 4–32 lowercase letters and digits`);
}

/** Wrap a handler: a DatabaseError or any unexpected error becomes a 500 with the error shape. */
export function handle<A extends unknown[]>(fn: (...args: A) => Promise<Response>) {
  return async (...args: A): Promise<Response> => {
    try {
      return await fn(...args);
    } catch (error) {
      if (error instanceof DatabaseError) return jsonError(500, error.message);
      console.error(error);
      return jsonError(500, `internal error: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
