import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { appendRunEvents, claimNextRun, createRun, createSweep, disconnectPrisma, finishRun, readPoints, type RunEventBatch } from "../../../prisma/store";
import { pairByStep } from "../../_lib/panel-shape";
import type { CompareDelta, CompareDetailRun, CompareResponse } from "../../_lib/compare-api";
import { curvesQuery, mergeCurves, type HeldCurves } from "../../_lib/sweep-curves";
import * as compareRoute from "./route";

// GET /api/compare called in-process against a real SQLite file: the plain answer and the
// incremental one (since= / open=) a live sweep page polls, merged as the page merges it.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-compare-api-"));
process.env.DATABASE_URL = `file:${path.join(dir, "api.db")}`;

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function get<T>(query: string): Promise<{ status: number; body: T; bytes: number }> {
  const res = await compareRoute.GET(new Request(`http://x/api/compare?${query}`));
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as T, bytes: Buffer.byteLength(text) };
}

async function newSweep(name: string): Promise<string> {
  const sweep = await createSweep({ name, config: {}, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 4, seed: 1 });
  return sweep.id;
}

/** Steps from..to of val_loss (every step) for a run; `spike` puts 99 at one step. */
const points = (runId: string, from: number, to: number, spike?: number): RunEventBatch => ({
  runId,
  metrics: Array.from({ length: to - from + 1 }, (_, i) => ({ step: from + i, time: (from + i) / 10, values: { val_loss: from + i === spike ? 99 : 3 / (from + i) } })),
});

describe("GET /api/compare?since=", () => {
  it("rejects bad cursors with 400 naming the field", async () => {
    const sweep = await newSweep("bad-cursors");
    for (const [query, field] of [
      [`sweep=${sweep}&since=abc`, "since"],
      [`sweep=${sweep}&since=3`, "since"],
      [`sweep=${sweep}&since=-1.abcd`, "since"],
      [`sweep=${sweep}&open=abcd:3`, "open"],
      [`sweep=${sweep}&since=0&open=ABCD:3`, "open.0"],
      [`sweep=${sweep}&since=0&open=abcd:x`, "open.0"],
    ]) {
      const res = await get<{ error: string; issues: { path: string }[] }>(query);
      assert.equal(res.status, 400, query);
      assert.equal(res.body.issues[0].path, field, query);
      assert.match(res.body.error, new RegExp(`^invalid query: ${field.replace(".", "\\.")}: `), query);
    }
  });

  it("without since= answers as before: every run with its config, all series", async () => {
    const sweep = await newSweep("plain");
    const run = await createRun({ sweepId: sweep, index: 0, config: { lr: 0.1 } });
    await appendRunEvents([points(run.id, 1, 5)]);
    const { body } = await get<CompareResponse>(`sweep=${sweep}&keys=val_loss&points=150`);
    assert.deepEqual(Object.keys(body).sort(), ["missing", "names", "runs", "series"]);
    assert.deepEqual(body.runs[0].config, { lr: 0.1 });
    assert.equal(body.series[run.id].val_loss.length, 5);
  });

  it("a live sweep polled incrementally: new runs whole, running runs' new points only, ended runs never again", async () => {
    const sweep = await newSweep("live");
    const base = `sweep=${sweep}&keys=val_loss&points=150`;
    let held: HeldCurves | null = null;
    const poll = async () => {
      const res = await get<CompareDelta>(`${base}&${curvesQuery(held, ["val_loss"], 150)}`);
      assert.equal(res.status, 200);
      held = mergeCurves(held, res.body);
      return res;
    };
    const fresh = async () => mergeCurves(null, (await get<CompareDelta>(`${base}&since=0`)).body);

    // two finished runs with long-ish histories, one running
    const done: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await createRun({ sweepId: sweep, index: i, config: { pad: "x".repeat(500) } });
      await claimNextRun("test", { sweepId: sweep });
      await appendRunEvents([points(r.id, 1, 120)]);
      await finishRun(r.id, { state: "finished", lastStep: 120 });
      done.push(r.id);
    }
    const live = await createRun({ sweepId: sweep, index: 2, config: {} });
    await claimNextRun("test", { sweepId: sweep });
    await appendRunEvents([points(live.id, 1, 10)]);
    const first = await poll();
    assert.equal(first.body.reset, true);
    assert.deepEqual(first.body.runs.map((r) => r.id), [...done, live.id]);

    // new points for the running run, a new run proposed
    await appendRunEvents([points(live.id, 11, 14)]);
    const queued = await createRun({ sweepId: sweep, index: 3, config: {} });
    const second = await poll();
    assert.equal(second.body.reset, false);
    assert.deepEqual(second.body.runs.map((r) => [r.id, r.state]), [[live.id, "running"], [queued.id, "queued"]], "the finished runs are not sent again");
    assert.deepEqual(second.body.tails, { [live.id]: 10 });
    assert.deepEqual(second.body.series[live.id].val_loss.map((p) => p[0]), [11, 12, 13, 14]);
    assert.ok(second.bytes * 10 < first.bytes, `${second.bytes} B after ${first.bytes} B`);

    // the queued run starts, the live one ends with its last points
    await claimNextRun("test", { sweepId: sweep });
    await appendRunEvents([points(queued.id, 1, 3), points(live.id, 15, 20)]);
    await finishRun(live.id, { state: "pruned", lastStep: 20 });
    const third = await poll();
    assert.deepEqual(third.body.runs.map((r) => [r.id, r.state]), [[live.id, "pruned"], [queued.id, "running"]]);
    assert.deepEqual(third.body.series[live.id].val_loss.map((p) => p[0]), [15, 16, 17, 18, 19, 20]);
    assert.deepEqual(held, await fresh(), "what the page holds is what a fresh load shows");

    await appendRunEvents([points(queued.id, 4, 4)]);
    const fourth = await poll();
    assert.deepEqual(fourth.body.runs.map((r) => r.id), [queued.id], "the pruned run is complete: not asked for, not sent");
    assert.deepEqual(held, await fresh());
  });

  it("a runs= view with detail=1 (the compare page): in the selection's order, new runs with config, open runs' tails only", async () => {
    const sweep = await newSweep("selection");
    const done = await createRun({ sweepId: sweep, index: 0, config: { lr: 0.3 } });
    await claimNextRun("test", { sweepId: sweep });
    await appendRunEvents([points(done.id, 1, 200)]);
    await finishRun(done.id, { state: "finished", lastStep: 200 });
    const live = await createRun({ sweepId: sweep, index: 1, config: { lr: 0.1 } });
    await claimNextRun("test", { sweepId: sweep });
    await appendRunEvents([points(live.id, 1, 50)]);
    const base = `runs=${live.id},${done.id}&keys=val_loss&points=1000&detail=1`;
    const first = await get<CompareDelta<CompareDetailRun>>(`${base}&since=0`);
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.runs.map((r) => [r.id, r.config]), [[live.id, { lr: 0.1 }], [done.id, { lr: 0.3 }]]);
    assert.deepEqual(first.body.names, ["val_loss"]);
    let held = mergeCurves(null, first.body);
    await appendRunEvents([points(live.id, 51, 53)]);
    const q = curvesQuery(held, ["val_loss"], 1000);
    assert.equal(q, `since=2.${done.id}&open=${live.id}:50`);
    const next = await get<CompareDelta<CompareDetailRun>>(`${base}&${q}`);
    assert.deepEqual(next.body.runs.map((r) => [r.id, r.state, r.config]), [[live.id, "running", undefined]], "a held run comes without its config");
    assert.deepEqual(next.body.series[live.id].val_loss.map((p) => p[0]), [51, 52, 53]);
    assert.ok(next.bytes * 10 < first.bytes, `${next.bytes} B after ${first.bytes} B`);
    held = mergeCurves(held, next.body);
    assert.deepEqual(held.runs.map((r) => r.config), [{ lr: 0.1 }, { lr: 0.3 }], "merged, the held config stays");
    const plain = await get<CompareResponse>(`runs=${live.id},${done.id}&keys=val_loss&points=1000`);
    assert.deepEqual(held.series, plain.body.series, "what the page holds is what a fresh load shows");
    const bad = await get<{ issues: { path: string }[] }>(`${base.replace("&detail=1", "")}&detail=2&since=0`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.issues[0].path, "detail");
  });

  it("a series growing past `points`: a raw tail after the downsampled head, spikes kept; whole again past 2 × points", async () => {
    const sweep = await newSweep("long");
    const base = `sweep=${sweep}&keys=val_loss&points=50`;
    const r = await createRun({ sweepId: sweep, index: 0, config: {} });
    await claimNextRun("test", { sweepId: sweep });
    await appendRunEvents([points(r.id, 1, 400, 123)]);
    let held = mergeCurves(null, (await get<CompareDelta>(`${base}&since=0`)).body);
    const head = held.series[r.id].val_loss;
    assert.ok(head.length <= 75, `downsampled: ${head.length} points`);
    assert.ok(head.some((p) => p[1] === 99) && head.at(-1)![0] === 400, "the spike and the last point are kept");

    await appendRunEvents([points(r.id, 401, 440, 420)]);
    const q = curvesQuery(held, ["val_loss"], 50);
    assert.equal(q, `since=1.${r.id}&open=${r.id}:400`);
    const tail = await get<CompareDelta>(`${base}&${q}`);
    assert.deepEqual(tail.body.tails, { [r.id]: 400 });
    held = mergeCurves(held, tail.body);
    const steps = held.series[r.id].val_loss.map((p) => p[0]);
    assert.deepEqual(steps.slice(head.length), Array.from({ length: 40 }, (_, i) => 401 + i), "every new point, raw");
    assert.ok(held.series[r.id].val_loss.some((p) => p[0] === 420 && p[1] === 99), "the tail's spike");

    // grown past 2 × points: asked for whole, downsampled again (both spikes kept)
    const end = 440 + 101 - held.series[r.id].val_loss.length;
    await appendRunEvents([points(r.id, 441, end)]);
    held = mergeCurves(held, (await get<CompareDelta>(`${base}&${curvesQuery(held, ["val_loss"], 50)}`)).body);
    assert.equal(held.series[r.id].val_loss.length, 101);
    assert.equal(curvesQuery(held, ["val_loss"], 50), `since=1.${r.id}&open=${r.id}`);
    const whole = await get<CompareDelta>(`${base}&${curvesQuery(held, ["val_loss"], 50)}`);
    assert.deepEqual(whole.body.tails, {});
    held = mergeCurves(held, whole.body);
    const again = held.series[r.id].val_loss;
    assert.ok(again.length <= 75 && again.at(-1)![0] === end, `${again.length} points to step ${again.at(-1)![0]}`);
    assert.equal(again.filter((p) => p[1] === 99).length, 2);

    // a client away for long: a tail longer than `points` comes whole instead
    await appendRunEvents([points(r.id, end + 1, end + 200)]);
    const away = await get<CompareDelta>(`${base}&${curvesQuery(held, ["val_loss"], 50)}`);
    assert.deepEqual(away.body.tails, {});
    assert.ok(away.body.series[r.id].val_loss.length <= 75);
  });

  it("pair=y~x: a metric against another on a long run pairs at every kept step (rollup read), live tails too; a bad pair is a 400 naming the field", async () => {
    const sweep = await newSweep("pairs");
    const r = await createRun({ sweepId: sweep, index: 0, config: {} });
    await claimNextRun("test", { sweepId: sweep });
    const steps = (from: number, to: number): RunEventBatch => ({
      runId: r.id,
      metrics: Array.from({ length: to - from + 1 }, (_, i) => {
        const s = from + i;
        return { step: s, time: s / 10, values: { train_loss: 5 / Math.sqrt(s) + 0.2 * Math.sin(s / 50), val_loss: s === 3333 ? 40 : 4 / Math.sqrt(s) + 0.1 * Math.cos(s / 70) } };
      }),
    });
    await appendRunEvents([steps(1, 5000)]);
    // points=100: 5,000 steps in 79 rollup buckets, each series downsampled from the rollup
    const base = `sweep=${sweep}&keys=val_loss,train_loss&points=100`;
    const plain = (await get<CompareResponse>(base)).body.series[r.id];
    const paired = (await get<CompareResponse>(`${base}&pair=val_loss~train_loss`)).body.series[r.id];
    const before = pairByStep(plain.train_loss, plain.val_loss);
    const after = pairByStep(paired.train_loss, paired.val_loss);
    assert.equal(after.length, new Set([...plain.train_loss, ...plain.val_loss].map((p) => p[0])).size, "a pair at every step either kept");
    // at least every point either series kept (about `points`), where unaligned only the steps both happened to keep pair
    assert.ok(after.length >= Math.max(plain.train_loss.length, plain.val_loss.length) && after.length > 2 * before.length, `${after.length} pairs, ${before.length} unaligned`);
    // each pair is one step's stored values
    const stored = async (name: string) => new Map((await readPoints(r.id, name)).map((p) => [p.wallTime, p.value]));
    const [train, val] = [await stored("train_loss"), await stored("val_loss")];
    for (const p of after) {
      // (a step's wall time is step / 10: it names the step)
      assert.equal(p.x, train.get(p.t!), `train_loss at t=${p.t}`);
      assert.equal(p.y, val.get(p.t!), `val_loss at t=${p.t}`);
    }
    assert.ok(after.some((p) => p.y === 40), "val_loss's spike is paired");

    // live: the aligned head, then raw tails that pair as they are
    let held = mergeCurves(null, (await get<CompareDelta>(`${base}&pair=val_loss~train_loss&since=0`)).body);
    assert.equal(pairByStep(held.series[r.id].train_loss, held.series[r.id].val_loss).length, after.length);
    await appendRunEvents([steps(5001, 5040)]);
    const q = curvesQuery(held, ["val_loss", "train_loss"], 100, [["val_loss", "train_loss"]]);
    assert.equal(q, `since=1.${r.id}&open=${r.id}:5000`, "an aligned series of up to 3 × points is still a head to append to");
    held = mergeCurves(held, (await get<CompareDelta>(`${base}&pair=val_loss~train_loss&${q}`)).body);
    assert.equal(pairByStep(held.series[r.id].train_loss, held.series[r.id].val_loss).length, after.length + 40);

    for (const [pair, message] of [
      ["val_loss-train_loss", /is not y~x/],
      ["val_loss~", /is not y~x/],
      ["val_loss~lr", /each metric of a pair \(y~x\) is one of keys/],
    ] as const) {
      const res = await get<{ error: string; issues: { path: string; message: string }[] }>(`${base}&pair=${pair}`);
      assert.equal(res.status, 400, pair);
      assert.equal(res.body.issues[0].path, "pair", pair);
      assert.match(res.body.issues[0].message, message);
    }
  });

  it("a cursor that does not match the view (or names unknown runs) gets everything, flagged reset", async () => {
    const sweep = await newSweep("reset");
    const a = await createRun({ sweepId: sweep, index: 0, config: {} });
    const b = await createRun({ sweepId: sweep, index: 1, config: {} });
    for (const since of [`1.${b.id}`, `3.${b.id}`, `1.zzzzzzzz`]) {
      const { body } = await get<CompareDelta>(`sweep=${sweep}&since=${since}&open=${a.id}:5`);
      assert.equal(body.reset, true, since);
      assert.deepEqual(body.runs.map((r) => r.id), [a.id, b.id]);
      assert.deepEqual(body.tails, {});
    }
    const { body } = await get<CompareDelta>(`sweep=${sweep}&since=2.${b.id}&open=zzzzzzzz:5`);
    assert.deepEqual([body.reset, body.runs, body.total], [false, [], 2], "open runs it does not hold are ignored");
  });
});
