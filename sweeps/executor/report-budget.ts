import { DIAGNOSTIC_POINTS, MAX_REPORT_POINTS } from "../agent-protocol";
import type { RunEvents } from "./types";

// One report is bounded (the server appends it in one go and refuses larger ones): the Runner
// takes what its workers wrote in slices of at most MAX_REPORT_POINTS points and
// MAX_REPORT_CHARS characters of JSON, oldest first, and reports the rest next time. After an
// outage an agent catches up in several reports instead of one that can never be accepted.

/** Characters of JSON in one report (the agent's HTTP body limit is a few times this). */
export const MAX_REPORT_CHARS = 1 << 20;

export type Pending = Required<Omit<RunEvents, "runId">>;
export interface Budget {
  points: number;
  chars: number;
}

export const fullBudget = (): Budget => ({ points: MAX_REPORT_POINTS, chars: MAX_REPORT_CHARS });

const KINDS = ["metrics", "diagnostics", "samples", "logs"] as const;

function cost(kind: (typeof KINDS)[number], item: object): Budget {
  const points = kind === "metrics" ? Object.keys((item as { values: object }).values).length : kind === "diagnostics" ? DIAGNOSTIC_POINTS : 0;
  return { points, chars: JSON.stringify(item).length };
}

/**
 * Split `pending` into what fits in `budget` (taken, oldest first) and the rest; the budget is
 * decreased by what was taken. An item larger than a whole budget is still taken when the
 * budget is untouched, so nothing can block the queue.
 */
export function takeWithin(pending: Pending, budget: Budget): { taken: Pending; rest: Pending } {
  const taken: Pending = { metrics: [], samples: [], logs: [], diagnostics: [] };
  const rest: Pending = { metrics: [], samples: [], logs: [], diagnostics: [] };
  let full = false;
  for (const kind of KINDS) {
    const items = pending[kind] as object[];
    let i = 0;
    for (; i < items.length && !full; i++) {
      const c = cost(kind, items[i]);
      const untouched = budget.points === MAX_REPORT_POINTS && budget.chars === MAX_REPORT_CHARS;
      if (!untouched && (c.points > budget.points || c.chars > budget.chars)) {
        full = true;
        break;
      }
      budget.points -= c.points;
      budget.chars -= c.chars;
    }
    (taken[kind] as object[]) = items.slice(0, i);
    (rest[kind] as object[]) = items.slice(i);
  }
  return { taken, rest };
}

export const isEmpty = (p: Pending) => KINDS.every((k) => p[k].length === 0);

/** Points in `pending` (what triggers an early flush). */
export function pendingPoints(p: Pending): number {
  return p.metrics.reduce((n, m) => n + Object.keys(m.values).length, 0) + p.diagnostics.length * DIAGNOSTIC_POINTS;
}
