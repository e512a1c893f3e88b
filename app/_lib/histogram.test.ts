import assert from "node:assert/strict";
import { test } from "node:test";
import { binEdges, countInBins, histogramOf } from "./histogram";
import type { SweepRunLike } from "./sweep-parcoords";

test("√n equal-width bins over the values, the last bin closed; a single value gets one bin around it", () => {
  assert.deepEqual(binEdges([0, 1, 2, 3, 4, 5, 6, 7, 8]), [0, 8 / 3, 16 / 3, 8]);
  assert.deepEqual(countInBins([0, 1, 2, 3, 4, 5, 6, 7, 8], binEdges([0, 1, 2, 3, 4, 5, 6, 7, 8])), [3, 3, 3]);
  assert.deepEqual(binEdges([2, 2, 2]), [1.5, 2.5]);
  assert.deepEqual(countInBins([2, 2, 2], [1.5, 2.5]), [3]);
  assert.deepEqual(binEdges([]), []);
  assert.deepEqual(countInBins([1, 2], []), []);
  assert.equal(binEdges(Array.from({ length: 2000 }, (_, i) => i)).length, 31, "at most 30 bins");
  assert.deepEqual(countInBins([0, 0.5, 1, 1.5, 2, -1, 3], [0, 1, 2]), [2, 3], "values outside the edges are not counted; 2 is in the last bin");
});

test("a metric across the runs, and the selection's runs over the same bins", () => {
  const run = (id: string, v: number | null): SweepRunLike => ({ id, name: id, state: "finished", params: {}, config: {}, summary: v === null ? {} : { val_loss: v } });
  const runs = [run("a", 1), run("b", 2), run("c", 3), run("d", 4), run("e", null), run("f", NaN)];
  const h = histogramOf(runs, "val_loss", new Set(["a", "d", "e"]));
  assert.equal(h.n, 4);
  assert.deepEqual(h.edges, [1, 2.5, 4]);
  assert.deepEqual(h.counts, [2, 2]);
  assert.deepEqual(h.selected, [1, 1]);
  assert.equal(histogramOf(runs, "val_loss", null).selected, null);
});

test("a histogram's bin labels are in one notation: 2e-4–2.8e-3, not 2e-4–0.0028", async () => {
  const { binLabels } = await import("./histogram");
  assert.deepEqual(binLabels(binEdges([2e-4, 5e-4, 1e-3, 2e-3, 8e-3])), ["2e-4–2.8e-3", "2.8e-3–5.4e-3", "5.4e-3–8e-3"]);
  assert.deepEqual(binLabels(binEdges([1.696, 2, 2.5, 3.1])), ["1.696–2.398", "2.398–3.1"], "at the table's precision");
  assert.deepEqual(binLabels(binEdges([0, 1_000_000, 1_500_000, 2_000_000])), ["0–1,000,000", "1,000,000–2,000,000"], "integers in full, as before");
  assert.deepEqual(binLabels(binEdges([1_000_000.5, 2_000_000, 3_500_000])), ["1e6–2.25e6", "2.25e6–3.5e6"], "not 2.25e6 beside 3,500,000");
});
