import assert from "node:assert/strict";
import { test } from "node:test";
import { renderToStaticMarkup } from "react-dom/server";
import type { SweepProgressBody } from "../../_lib/sweep-progress";
import { RUN_STATES, type RunState } from "../../../sweeps/states";
import { ProgressPanel } from "./ProgressPanel";

// What the strip says of a cancelled sweep: what happened to its runs, as its counts have it
// (the cancel API answers with the sweep alone; queued and running runs both end `stopped`).

const counts = (some: Partial<Record<RunState, number>>) => Object.fromEntries(RUN_STATES.map((s) => [s, some[s] ?? 0])) as Record<RunState, number>;

function cancelled(some: Partial<Record<RunState, number>>): SweepProgressBody {
  const c = counts(some);
  return {
    sweep: { id: "s1", name: "sweep-1", state: "cancelled", stateReason: "cancelled by user", createdAt: "2026-01-01T00:00:00Z", finishedAt: "2026-01-01T00:05:00Z" },
    counts: c,
    total: Object.values(c).reduce((a, b) => a + b, 0),
    reruns: counts({}),
    expected: 8,
    best: null,
    elapsed: 300,
    deleted: 0,
    running: [],
  };
}

/** The "now" line's words. */
const nowLine = (p: SweepProgressBody) => /data-testid="training-now"[^>]*>(.*?)<\/div>/.exec(renderToStaticMarkup(<ProgressPanel progress={p} elapsed={p.elapsed} metricKey="val_loss" goal="minimize" stale={null} colors={new Map()} />))![1].replace(/<[^>]+>/g, "");

test("cancelled with two runs stopped and none queued: the line counts the stopped runs and claims nothing of queued ones", () => {
  const line = nowLine(cancelled({ stopped: 2, finished: 1 }));
  assert.doesNotMatch(line, /queued/, `"${line}": no run was queued`);
  assert.match(line, /^Cancelled — 2 runs stopped/);
});

test("cancelled when nothing was left to stop: no count claim", () => {
  assert.equal(nowLine(cancelled({ finished: 3 })), "Cancelled — no new runs start.");
  assert.match(nowLine(cancelled({ stopped: 1 })), /^Cancelled — 1 run stopped/);
});
