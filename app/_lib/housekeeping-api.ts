import type * as z from "zod";
import type { ControlResult } from "../../prisma/store/sweep-control";
import { handle, jsonError, notFound, type IdContext } from "./api";
import { KiB, readRequest } from "./body";

// PATCH and DELETE of /api/runs/:id and /api/sweeps/:id (prisma/store/housekeeping.ts): one
// handler pair for both, so runs and sweeps answer alike.

/** Name, tags and notes fit well within this (notes are at most 20,000 characters). */
export const PATCH_LIMIT = 128 * KiB;

/** PATCH { name?, tags?, notes?, archived?, (runs) group? } → 200 { <what>: record }; 400 naming the field; 404. */
export function patchRoute<S extends z.ZodType, T>(what: "run" | "sweep", schema: S, update: (id: string, patch: z.output<S>) => Promise<T | null>) {
  return handle(async (req: Request, ctx: IdContext) => {
    const { id } = await ctx.params;
    const patch = await readRequest(req, schema, PATCH_LIMIT, `invalid ${what} patch`);
    if (!patch.ok) return patch.response;
    const record = await update(id, patch.data);
    if (!record) return notFound(what, id);
    return Response.json({ [what]: record });
  });
}

/** DELETE → 200 { deleted: { runs, stopped, files, … } }; 404. */
export function deleteRoute<T>(what: "run" | "sweep", remove: (id: string) => Promise<ControlResult<T>>) {
  return handle(async (_req: Request, ctx: IdContext) => {
    const { id } = await ctx.params;
    const result = await remove(id);
    if (!result.ok) return result.status === 404 ? notFound(what, id) : jsonError(result.status, result.error);
    return Response.json({ deleted: result.value });
  });
}
