import * as z from "zod";
import type { RunKind } from "../../prisma/store/records";
import type { StoredSummary } from "../../sweeps/summary";
import { KEY_PATTERN, KEY_RULE } from "../../sweeps/names";
import type { RunState } from "../../sweeps/states";

// The batched compare endpoint's query and response (GET /api/compare), shared by the route
// and the pages that call it. Series are tuples [step, value|null, wallTime] to keep 100 runs ×
// 1,000 points a small response.

const idList = z
  .string()
  .transform((s) => [...new Set(s.split(",").map((x) => x.trim()).filter(Boolean))])
  .pipe(z.array(z.string().regex(/^[0-9a-z]{4,32}$/, "run ids are 4–32 lowercase letters and digits")).max(1000, "at most 1000 runs"));

// Incremental polling (the sweep page's live curves). The client holds the view's runs in
// the view's order and their series; each poll says what it holds and gets only what changed:
//   since=<n>.<id>   it holds the view's first n runs, the last of them being <id> (since=0: none)
//   open=<id>:<step>,<id>,…   runs it holds that had not ended: it has their points through
//                    <step> and wants the ones after; a bare <id> asks for its whole series again
// Runs it holds that are not open have ended and their curves are complete: never sent again.
const Since = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,5}\.[0-9a-z]{4,32})$/, "since is <runs held>.<id of the last of them>, or 0")
  .transform((s) => {
    const dot = s.indexOf(".");
    return dot < 0 ? { count: 0, last: null } : { count: Number(s.slice(0, dot)), last: s.slice(dot + 1) };
  });
const OpenRuns = z
  .string()
  .transform((s) => s.split(",").filter(Boolean))
  .pipe(z.array(z.string().regex(/^[0-9a-z]{4,32}(:[0-9]{1,10})?$/, "open is a list of <run id>:<last step held> or <run id>")).max(1000, "at most 1000 open runs"))
  .transform((items) => new Map(items.map((item): [string, number | null] => {
    const [id, step] = item.split(":");
    return [id, step === undefined ? null : Number(step)];
  })));

// Metrics drawn against each other (a custom panel with a metric on x): pair=y~x,y2~x (read
// "y against x", as in a formula). Each y and x is also one of keys; their series come aligned
// (prisma/store readManySeries), so pairing them by step finds every kept step.
const Pairs = z
  .string()
  .transform((s) => [...new Set(s.split(",").filter(Boolean))])
  .pipe(z.array(z.string()).max(20, "at most 20 pairs"))
  .transform((items, ctx) =>
    items.map((item): [string, string] => {
      const parts = item.split("~");
      if (parts.length !== 2 || !parts.every((k) => KEY_PATTERN.test(k))) ctx.addIssue({ code: "custom", message: `"${item.slice(0, 60)}" is not y~x (two metric names, ${KEY_RULE})` });
      return [parts[0], parts[1] ?? ""];
    }),
  );

export const CompareQuery = z
  .strictObject({
    runs: idList.optional(),
    sweep: z.string().regex(/^[0-9a-z]{4,32}$/, "must be a sweep id").optional(),
    keys: z
      .string()
      .transform((s) => [...new Set(s.split(",").filter(Boolean))])
      .pipe(z.array(z.string().regex(KEY_PATTERN, `metric names are ${KEY_RULE}`)).min(1).max(20))
      .default(["val_loss"]),
    points: z.coerce.number().int().min(10).max(10_000).default(1000),
    pair: Pairs.optional(),
    since: Since.optional(),
    open: OpenRuns.optional(),
    /** With since=: the runs new to the client come with sweepId, config, params and summary, and the answer lists the view's metric names (the compare page groups and names runs by config). */
    detail: z.literal("1", { error: "detail is 1 or absent" }).optional(),
  })
  .refine((q) => q.runs || q.sweep, { message: "name the runs (runs=a,b,c) or a sweep (sweep=ID)", path: ["runs"] })
  .refine((q) => !q.open || q.since, { message: "open= needs since= (the runs it names are ones the client holds)", path: ["open"] })
  .refine((q) => !q.detail || q.since, { message: "detail= needs since=", path: ["detail"] })
  .refine((q) => (q.pair ?? []).every(([y, x]) => q.keys.includes(y) && q.keys.includes(x)), { message: "each metric of a pair (y~x) is one of keys", path: ["pair"] });
export type CompareQuery = z.output<typeof CompareQuery>;

export interface CompareRun {
  id: string;
  name: string;
  state: RunState;
  sweepId: string | null;
  /** "engine" (config is a RunConfig) or "program" (config is the program's own): the legend names runs by it. */
  kind: RunKind;
  config: Record<string, unknown>;
  params: Record<string, unknown>;
  summary: StoredSummary;
  startedAt: string | null;
  /** The user's tags and the run group (W&B's group): the compare page groups by them. */
  tags: string[];
  runGroup: string | null;
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

/** A run in an incremental response: only what its curve needs (no config, params or summary). */
export interface CompareDeltaRun {
  id: string;
  name: string;
  state: RunState;
  startedAt: string | null;
}

/**
 * A run in an incremental answer with detail=1: a run new to the client is a whole CompareRun,
 * one it holds is a CompareDeltaRun (its state now), merged over what is held.
 */
export type CompareDetailRun = CompareDeltaRun & Partial<Pick<CompareRun, "sweepId" | "kind" | "config" | "params" | "summary" | "tags" | "runGroup">>;

/** GET /api/compare with since= (and open=): what changed since what the client holds. */
export interface CompareDelta<R extends CompareDeltaRun = CompareDeltaRun> {
  /** Runs in the view: how many the client holds after merging this. */
  total: number;
  /** since= did not match the view (or was 0): `runs` are all its runs, drop what was held. */
  reset: boolean;
  /** The runs new to the client (after its first n) and its open ones, in the view's order, each with its state now. */
  runs: R[];
  /** With detail=1: every metric any of the view's runs logged (as CompareResponse.names). */
  names?: string[];
  /** series[runId][metric]: a tail or a whole series, as `tails` says. */
  series: Record<string, Record<string, SeriesTuple[]>>;
  /** tails[runId] = step: that run's series are its points after `step`, to append; a run not here came whole (replace). */
  tails: Record<string, number>;
}
