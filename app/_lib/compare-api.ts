import { z } from "zod";
import type { RunState } from "../../sweeps/states";

// The batched compare endpoint's query and response (GET /api/compare), shared by the route
// and the pages that call it. Series are tuples [step, value|null, wallTime] to keep 100 runs ×
// 1,000 points a small response.

const idList = z
  .string()
  .transform((s) => [...new Set(s.split(",").map((x) => x.trim()).filter(Boolean))])
  .pipe(z.array(z.string().regex(/^[0-9a-z]{4,32}$/, "run ids are 4–32 lowercase letters and digits")).max(1000, "at most 1000 runs"));

export const CompareQuery = z
  .strictObject({
    runs: idList.optional(),
    sweep: z.string().regex(/^[0-9a-z]{4,32}$/, "must be a sweep id").optional(),
    keys: z
      .string()
      .transform((s) => [...new Set(s.split(",").filter(Boolean))])
      .pipe(z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "metric names are letters, digits and _")).min(1).max(20))
      .default(["val_loss"]),
    points: z.coerce.number().int().min(10).max(10_000).default(1000),
  })
  .refine((q) => q.runs || q.sweep, { message: "name the runs (runs=a,b,c) or a sweep (sweep=ID)", path: ["runs"] });
export type CompareQuery = z.output<typeof CompareQuery>;

export interface CompareRun {
  id: string;
  name: string;
  state: RunState;
  sweepId: string | null;
  config: Record<string, unknown>;
  params: Record<string, unknown>;
  summary: Record<string, number | null>;
  startedAt: string | null;
}

export type SeriesTuple = [step: number, value: number | null, wallTime: number];

export interface CompareResponse {
  runs: CompareRun[];
  /** Every metric any of the runs logged. */
  names: string[];
  /** series[runId][metric] */
  series: Record<string, Record<string, SeriesTuple[]>>;
  /** Ids asked for that do not exist. */
  missing: string[];
}
