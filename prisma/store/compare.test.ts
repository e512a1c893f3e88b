import { testDatabaseUrl } from "../testdata/test-database";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { appendRunEvents, claimNextRun, createRun, createSweep, disconnectPrisma, downsampleBuckets, finishRun, listRunBriefs, metricNamesOf, readManySeries, readPoints, readSeries, readSeriesTails, type SeriesPoint } from "./index";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-compare-"));
process.env.DATABASE_URL = await testDatabaseUrl(path.join(dir, "compare.db"));

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("readManySeries", () => {
  it("returns what readSeries returns for each run, short and long series, spikes and NaN kept", async () => {
    const short = await createRun({ config: {} });
    const long = await createRun({ config: {} });
    await appendRunEvents([
      { runId: short.id, metrics: Array.from({ length: 50 }, (_, s) => ({ step: s, time: s / 10, values: { val_loss: 3 - s / 50, train_loss: 3 } })) },
      {
        runId: long.id,
        metrics: Array.from({ length: 5000 }, (_, s) => ({ step: s + 1, time: s, values: { val_loss: s === 3210 ? 99 : s === 4000 ? Number.NaN : Math.cos(s / 300) } })),
      },
    ]);
    const many = await readManySeries([short.id, long.id], ["val_loss", "train_loss"], 200);
    assert.deepEqual(many[short.id].val_loss, await readSeries(short.id, "val_loss", 200));
    assert.deepEqual(many[short.id].train_loss, await readSeries(short.id, "train_loss", 200));
    assert.deepEqual(many[long.id].val_loss, await readSeries(long.id, "val_loss", 200));
    assert.equal(many[long.id].train_loss, undefined);
    const pts = many[long.id].val_loss;
    assert.ok(pts.length <= 202);
    assert.equal(pts[0].step, 1);
    assert.equal(pts.at(-1)!.step, 5000);
    assert.ok(pts.some((p) => p.value === 99), "the spike is kept");
    assert.ok(pts.some((p) => p.value === null && p.step === 4001), "the NaN is kept");
    assert.deepEqual(await metricNamesOf([short.id, long.id]), ["train_loss", "val_loss"]);
  });
});

describe("readManySeries with pairs (a metric against another, paired by step)", () => {
  /** y against x at the steps both series hold, as a panel with x = a metric pairs them. */
  const pairUp = (x: SeriesPoint[], y: SeriesPoint[]) => {
    const xAt = new Map(x.map((p) => [p.step, p.value]));
    return y.filter((p) => xAt.has(p.step)).map((p) => ({ step: p.step, x: xAt.get(p.step)!, y: p.value }));
  };

  it("a 5,000-step run: aligned series pair at every kept step, each pair the stored values of one step; unpaired series unchanged", async () => {
    const run = await createRun({ config: {} });
    // train_loss and grad_norm every step (different shapes, a spike in each), val_loss every 10th
    const metrics = Array.from({ length: 5000 }, (_, i) => {
      const s = i + 1;
      const values: Record<string, number> = {
        train_loss: s === 2345 ? 50 : 4 * Math.exp(-s / 900) + 0.3 * Math.sin(s / 37),
        grad_norm: s === 4321 ? 80 : 1 + Math.cos(s / 211) + 0.1 * Math.sin(s * 1.7),
        lr: 0.1 / (1 + s / 1000),
      };
      if (s % 10 === 0) values.val_loss = 3 * Math.exp(-s / 1200) + 0.05 * Math.cos(s / 13);
      return { step: s, time: s / 100, values };
    });
    for (let i = 0; i < metrics.length; i += 1000) await appendRunEvents([{ runId: run.id, metrics: metrics.slice(i, i + 1000) }]);
    const names = ["train_loss", "grad_norm", "val_loss", "lr"];
    const stored = Object.fromEntries(await Promise.all(names.map(async (n) => [n, new Map((await readPoints(run.id, n)).map((p) => [p.step, p]))] as const)));

    const plain = (await readManySeries([run.id], names, 1000))[run.id];
    const aligned = (await readManySeries([run.id], names, 1000, [["grad_norm", "train_loss"], ["train_loss", "val_loss"]]))[run.id];

    // each downsampled on its own, two every-step series share few steps: pairing finds few
    const before = pairUp(plain.train_loss, plain.grad_norm).length;
    const after = pairUp(aligned.train_loss, aligned.grad_norm);
    assert.ok(before < 200, `independent downsamplings share ${before} steps`);
    // aligned: every step either kept pairs (about 2 × 1,000 less the overlap)
    const union = new Set([...plain.train_loss, ...plain.grad_norm].map((p) => p.step));
    assert.equal(after.length, union.size);
    assert.ok(after.length >= 1800, `${after.length} pairs`);
    for (const p of after) {
      assert.equal(p.x, stored.train_loss.get(p.step)!.value, `train_loss at step ${p.step}`);
      assert.equal(p.y, stored.grad_norm.get(p.step)!.value, `grad_norm at step ${p.step}`);
    }
    // the full shape: both spikes, the first and the last step
    assert.ok(after.some((p) => p.x === 50 && p.step === 2345), "train_loss's spike");
    assert.ok(after.some((p) => p.y === 80 && p.step === 4321), "grad_norm's spike");
    assert.equal(after[0].step, 1);
    assert.equal(after.at(-1)!.step, 5000);
    // every point of an aligned series is a stored point, in step order, its own kept ones among them
    for (const name of ["train_loss", "grad_norm", "val_loss"]) {
      const steps = aligned[name].map((p) => p.step);
      assert.deepEqual(steps, [...steps].sort((a, b) => a - b), `${name} in step order`);
      assert.equal(new Set(steps).size, steps.length, `${name}: no step twice`);
      for (const p of aligned[name]) assert.deepEqual(p, stored[name].get(p.step), `${name} at ${p.step}`);
      for (const p of plain[name]) assert.ok(steps.includes(p.step), `${name} keeps its own step ${p.step}`);
    }

    // train_loss (every step) against val_loss (every 10th, 500 points: all of them): a pair at each val_loss step
    const vs = pairUp(aligned.val_loss, aligned.train_loss);
    assert.equal(vs.length, 500);
    assert.ok(pairUp(plain.val_loss, plain.train_loss).length < 150, "unaligned: the steps train_loss's extremes happen to share");
    for (const p of vs) assert.equal(p.y, stored.train_loss.get(p.step)!.value);

    // lr is in no pair: as it was
    assert.deepEqual(aligned.lr, plain.lr);
    // a pair naming a metric not asked for changes nothing
    assert.deepEqual((await readManySeries([run.id], ["lr", "val_loss"], 1000, [["lr", "nope"]]))[run.id], { lr: plain.lr, val_loss: plain.val_loss });
  });
});

describe("readSeriesTails", () => {
  it("reads the raw points after each run's step, NaN kept; a tail longer than the limit is flagged, not read", async () => {
    const a = await createRun({ config: {} });
    const b = await createRun({ config: {} });
    const c = await createRun({ config: {} });
    await appendRunEvents([
      { runId: a.id, metrics: Array.from({ length: 30 }, (_, s) => ({ step: s, time: s, values: { val_loss: s === 25 ? Number.NaN : 30 - s, train_loss: s } })) },
      { runId: b.id, metrics: Array.from({ length: 500 }, (_, s) => ({ step: s, time: s, values: { val_loss: Math.sin(s) } })) },
      { runId: c.id, metrics: [{ step: 1, time: 0, values: { val_loss: 1 } }] },
    ]);
    const { tails, overflow } = await readSeriesTails(new Map([[a.id, 20], [b.id, 100], [c.id, 1]]), ["val_loss", "train_loss"], 50);
    assert.deepEqual(tails[a.id].val_loss.map((p) => p.step), [21, 22, 23, 24, 25, 26, 27, 28, 29]);
    assert.deepEqual(tails[a.id].val_loss.find((p) => p.step === 25), { step: 25, value: null, wallTime: 25 }, "the NaN");
    assert.deepEqual(tails[a.id].train_loss.map((p) => p.value), [21, 22, 23, 24, 25, 26, 27, 28, 29]);
    assert.deepEqual(tails[a.id].val_loss, (await readSeries(a.id, "val_loss")).filter((p) => p.step > 20), "the same points readSeries has");
    assert.deepEqual(tails[c.id], {}, "nothing new");
    assert.deepEqual(overflow, [b.id], "400 new points > 50");
    assert.equal(tails[b.id], undefined);
    const exact = await readSeriesTails(new Map([[b.id, 449]]), ["val_loss"], 50);
    assert.equal(exact.tails[b.id].val_loss.length, 50, "exactly the limit is still a tail");
    assert.deepEqual(exact.overflow, []);
  });
});

describe("downsampleBuckets", () => {
  it("ends at the last point read: bucket points stored after it (a second read) are left out", () => {
    const at = (step: number, value: number) => ({ minStep: step, minValue: value, minTime: step, maxStep: step, maxValue: value, maxTime: step, nanStep: null, nanTime: null });
    const pts = downsampleBuckets({ step: 1, value: 5, wallTime: 1 }, { step: 100, value: 1, wallTime: 100 }, [at(50, 9), { ...at(120, 0), nanStep: 130, nanTime: 130 }], 50);
    assert.deepEqual(pts.map((p) => p.step), [1, 50, 100]);
  });
});

describe("listRunBriefs", () => {
  it("lists a sweep's runs in creation order with their state, no config", async () => {
    const sweep = await createSweep({ name: "briefs", config: {}, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed: 1 });
    const first = await createRun({ sweepId: sweep.id, index: 0, config: { big: "x".repeat(1000) } });
    const second = await createRun({ sweepId: sweep.id, index: 1, config: {} });
    await claimNextRun("test", { sweepId: sweep.id });
    await finishRun(second.id, { state: "stopped" });
    const briefs = await listRunBriefs({ sweepId: sweep.id });
    assert.deepEqual(briefs.map((r) => [r.id, r.state]), [[first.id, "running"], [second.id, "stopped"]]);
    assert.ok(briefs[0].startedAt && !briefs[1].startedAt);
    assert.equal("config" in briefs[0], false);
    assert.deepEqual((await listRunBriefs({ ids: [second.id] })).map((r) => r.id), [second.id]);
  });
});
