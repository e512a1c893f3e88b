import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { appendRunEvents, createRun, createSweep, disconnectPrisma, finishRun, queryRunsTable, RunsTableParams } from "../../../prisma/store";
import type { CompareDelta, CompareResponse } from "../../_lib/compare-api";
import { parseCompareView } from "../../_lib/compare-view";
import { sweepCurveSeries } from "../../_lib/sweep-curves";
import { decodeBrush, encodeBrush } from "../../_lib/sweep-parcoords";
import { decodeSort, encodeSort } from "../../_lib/sweep-table";
import * as metricsRoute from "../runs/[id]/metrics/route";
import * as compareRoute from "./route";

// Metric names in W&B's style (issue 11 §3): `val/loss`, `eval/acc@1`. They were accepted when
// logged and then refused by every reader (the sweep page's curves panel broke). Here: the
// compare endpoint (the curves panel's and the compare page's), a run's metrics, the runs
// table's columns, sort and filter, and the sweep page's and compare page's URL state.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-names-"));
process.env.DATABASE_URL = `file:${path.join(dir, "names.db")}`;
const NAMES = ["val/loss", "eval/acc@1", "train.loss", "lr(group_0)"];

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

let sweepId = "";
const runIds: string[] = [];
before(async () => {
  sweepId = (await createSweep({ name: "wandb-names", config: {}, rawConfig: "", method: "grid", metricName: "val/loss", metricGoal: "minimize", concurrency: 1, seed: 1, state: "finished" })).id;
  for (let i = 0; i < 3; i++) {
    const run = await createRun({ sweepId, index: i, config: { dropout: i / 4 }, claimedBy: "test" });
    runIds.push(run.id);
    await appendRunEvents([{ runId: run.id, metrics: [1, 2, 3].map((step) => ({ step, time: step, values: Object.fromEntries(NAMES.map((n, k) => [n, (i + 1) / step + k])) })) }]);
    await finishRun(run.id, { state: "finished", lastStep: 3 });
  }
});

describe("W&B-style metric names", () => {
  it("the compare endpoint serves their curves, whole and incrementally (the sweep page's curves panel)", async () => {
    const keys = encodeURIComponent(NAMES.join(","));
    const res = await compareRoute.GET(new Request(`http://x/api/compare?sweep=${sweepId}&keys=${keys}&points=150`));
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as CompareResponse;
    for (const id of runIds) for (const n of NAMES) assert.equal(body.series[id][n].length, 3, `${n} of ${id}`);
    const delta = (await (await compareRoute.GET(new Request(`http://x/api/compare?sweep=${sweepId}&keys=${encodeURIComponent("val/loss")}&points=150&since=0`))).json()) as CompareDelta;
    const curves = sweepCurveSeries(delta, "val/loss", null, new Map());
    assert.equal(curves.length, 3);
    assert.deepEqual(curves[0].points.map((p) => p.y), [1, 0.5, 1 / 3]);
  });

  it("a run's metrics endpoint serves them", async () => {
    const res = await metricsRoute.GET(new Request(`http://x/api/runs/${runIds[0]}/metrics?keys=${encodeURIComponent("eval/acc@1")}`), { params: Promise.resolve({ id: runIds[0] }) });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { names: string[]; series: Record<string, { value: number }[]> };
    assert.deepEqual([...body.names].sort(), [...NAMES].sort());
    assert.deepEqual(body.series["eval/acc@1"].map((p) => p.value), [2, 1.5, 1 + 1 / 3]);
  });

  it("the runs table shows, sorts and filters by them", async () => {
    const p = RunsTableParams.parse({ sweep: sweepId, columns: "summary.val/loss,summary.eval/acc@1", sort: "-summary.val/loss", filter: ["summary.eval/acc@1>=1.5"] });
    const page = await queryRunsTable({ sweepId, columns: p.columns!, sort: p.sort, filters: p.filter });
    assert.deepEqual(page.rows.map((r) => r.values["summary.val/loss"]), [1, 2 / 3]);
    assert.deepEqual(page.rows.map((r) => r.values["summary.eval/acc@1"]), [2, 1 + 2 / 3]);
    assert.equal(RunsTableParams.safeParse({ sort: "summary.val  loss" }).success, false, "two spaces in a row are not a name");
    assert.equal(RunsTableParams.safeParse({ columns: "summary.x'y" }).success, false, "nor a quote");
  });

  it("URL state keeps them: the sweep page's sort and brush, the compare page's metrics", () => {
    assert.deepEqual(decodeSort(encodeSort({ field: "summary.eval/acc@1", desc: true }), { field: "index", desc: false }), { field: "summary.eval/acc@1", desc: true });
    const brush = { "val/loss": [[0.5, 1] as [number, number]], "lr(group_0)": [[3, 4] as [number, number]] };
    assert.deepEqual(decodeBrush(encodeBrush(brush)), brush);
    assert.deepEqual(decodeBrush("a:b:1:2"), { "a:b": [[1, 2]] });
    assert.deepEqual(parseCompareView(new URLSearchParams("metrics=val/loss,eval/acc@1&group=val/loss")).metrics, ["val/loss", "eval/acc@1"]);
  });
});

describe("W&B-style metric names in summaries and progress", () => {
  it("a loss or an accuracy named W&B's way keeps its best, and the sweep's best run is found by it", async () => {
    const { foldIntoSummary } = await import("../../../sweeps/summary");
    const summary = {};
    foldIntoSummary(summary, 1, { "val/loss": 2, "eval/acc@1": 0.5, "train.loss": 3 });
    foldIntoSummary(summary, 2, { "val/loss": 1, "eval/acc@1": 0.75, "train.loss": 4 });
    foldIntoSummary(summary, 3, { "val/loss": 1.5, "eval/acc@1": 0.6, "train.loss": 5 });
    assert.deepEqual(summary, {
      "val/loss": 1.5, "val/loss_best": 1, "val/loss_best_step": 2,
      "eval/acc@1": 0.6, "eval/acc@1_best": 0.75, "eval/acc@1_best_step": 2,
      "train.loss": 5, "train.loss_best": 3, "train.loss_best_step": 1,
    });
    const { getSweep, sweepProgress } = await import("../../../prisma/store");
    const progress = await sweepProgress((await getSweep(sweepId))!);
    assert.equal(progress.best?.id, runIds[0], "lowest val/loss_best: the first run (1/3 at step 3)");
  });

  it("a metric whose best is not tracked still names the best run, by its last value", async () => {
    const { appendRunEvents, createRun, createSweep, finishRun, sweepProgress } = await import("../../../prisma/store");
    const sweep = await createSweep({ name: "reward", config: {}, rawConfig: "", method: "grid", metricName: "reward", metricGoal: "maximize", concurrency: 1, seed: 1, state: "finished" });
    const ids: string[] = [];
    for (const reward of [3, 7, 5]) {
      const run = await createRun({ sweepId: sweep.id, config: {}, claimedBy: "t" });
      await appendRunEvents([{ runId: run.id, metrics: [{ step: 1, time: 1, values: { reward } }] }]);
      await finishRun(run.id, { state: "finished" });
      ids.push(run.id);
    }
    assert.equal((await sweepProgress(sweep)).best?.id, ids[1]);
  });
});
