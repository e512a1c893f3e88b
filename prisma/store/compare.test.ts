import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { appendRunEvents, createRun, disconnectPrisma, metricNamesOf, readManySeries, readSeries } from "./index";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-compare-"));
process.env.DATABASE_URL = `file:${path.join(dir, "compare.db")}`;

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
