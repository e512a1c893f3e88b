import assert from "node:assert/strict";
import { test } from "node:test";
import type { TableRow } from "../../../prisma/store/runs-table";
import { columnFormats, groupLabel, intervalText, shownValue } from "./cells";

// The runs table's columns: one notation over the rows it holds, a configuration row's mean and
// its seeds included.

function row(id: string, values: Record<string, unknown>, lastStep = 200, group?: TableRow["group"]): TableRow {
  return { id, name: id, state: "finished", sweepId: "s", sweepName: null, createdAt: "2026-01-01T00:00:00Z", startedAt: null, finishedAt: null, runtime: 12, lastStep, rerunOf: null, tags: [], archived: false, runGroup: null, values, group };
}

const COLUMNS = ["config.learning_rate", "config.seed", "summary.val_loss", "step"];

test("a learning_rate column mixing 7.74e-4 and 0.002477 reads in exponents; integer and plain columns as before", () => {
  const rows = [
    row("a", { "config.learning_rate": 7.74e-4, "config.seed": 1574409985, "summary.val_loss": 1.2345 }, 24_000),
    row("b", { "config.learning_rate": 0.002477, "config.seed": 7, "summary.val_loss": 0.5 }),
    row("c", { "config.learning_rate": null, "config.seed": 8, "summary.val_loss": "NaN" }),
  ];
  const formats = columnFormats(rows, COLUMNS);
  const shown = (c: string) => rows.map((r) => formats.get(c)!.format(shownValue(r, c)));
  assert.deepEqual(shown("config.learning_rate"), ["7.74e-4", "2.477e-3", "–"]);
  assert.deepEqual(shown("config.seed"), ["1574409985", "7", "8"]);
  assert.deepEqual(shown("summary.val_loss"), ["1.234", "0.5", "NaN"]);
  assert.deepEqual(shown("step"), ["24,000", "200", "200"]);
});

test("a configuration row's mean and its seeds, shown or not, decide the column's notation", () => {
  const seeds = [row("s1", { "summary.val_loss": 0.0015 }), row("s2", { "summary.val_loss": 0.0002 })];
  const mean = 0.00085;
  const config = row("s1", { "summary.val_loss": mean }, 200, { count: 2, states: { finished: 2 }, stats: { "summary.val_loss": { mean, ci95: 0.008, n: 2 } }, members: seeds });
  const other = row("o", { "summary.val_loss": 0.0031 });
  const formats = columnFormats([config, other], COLUMNS);
  const format = formats.get("summary.val_loss")!.format;
  assert.equal(shownValue(config, "summary.val_loss"), mean);
  assert.deepEqual([mean, 0.0031, 0.0015, 0.0002].map(format), ["8.5e-4", "3.1e-3", "1.5e-3", "2e-4"]);
  // only a seed, folded away, holds the exponent: the rows shown follow it, so expanding changes nothing
  const folded = row("t1", { "summary.val_loss": 0.0015 }, 200, { count: 2, states: { finished: 2 }, stats: { "summary.val_loss": { mean: 0.00105, ci95: null, n: 2 } }, members: [row("t1", { "summary.val_loss": 0.0015 }), row("t2", { "summary.val_loss": 0.0006 })] });
  assert.deepEqual([0.00105, 0.0031].map(columnFormats([folded, other], COLUMNS).get("summary.val_loss")!.format), ["1.05e-3", "3.1e-3"]);
  // without any exponent, as before
  assert.deepEqual([0.0031, 0.5].map(columnFormats([other, row("p", { "summary.val_loss": 0.5 })], COLUMNS).get("summary.val_loss")!.format), ["0.0031", "0.5"]);
});

test("a column of numbers is right-aligned, a summary or step column always, a config column of words or of mixed kinds not", () => {
  const rows = [
    row("a", { "config.learning_rate": 7.74e-4, "config.cell": "lstm", "config.layers": 2, "summary.val_loss": null }),
    row("b", { "config.learning_rate": null, "config.cell": "gru", "config.layers": "auto", "summary.val_loss": null }),
  ];
  const numeric = columnFormats(rows, ["config.learning_rate", "config.cell", "config.layers", "summary.val_loss", "step", "config.empty"]);
  assert.deepEqual([...numeric].map(([c, f]) => [c, f.numeric]), [
    ["config.learning_rate", true],
    ["config.cell", false],
    ["config.layers", false],
    ["summary.val_loss", true],
    ["step", true],
    ["config.empty", false],
  ]);
});

test("a configuration row's ±interval reads in its mean's notation", () => {
  assert.equal(intervalText(0.008, "8.5e-4"), "8e-3");
  assert.equal(intervalText(0.00012, "7.74e-4"), "1.2e-4");
  assert.equal(intervalText(0.0123, "0.5"), "0.012");
  assert.equal(intervalText(1234, "2.5e6"), "1.2e3");
});

test("a configuration's label counts its seeds; a re-run (the same seed again) makes it runs of fewer seeds", () => {
  const member = (id: string, rerunOf: string | null = null) => ({ id, rerunOf });
  assert.equal(groupLabel({ count: 3, members: [member("a"), member("b"), member("c")] }, "seed"), "3 seeds");
  assert.equal(groupLabel({ count: 2, members: [member("a"), member("b", "a")] }, "seed"), "2 runs · 1 seed");
  assert.equal(groupLabel({ count: 3, members: [member("a"), member("b", "a"), member("c", "b")] }, "seed"), "3 runs · 1 seed");
  // a re-run whose original is elsewhere (archived, filtered out) is a seed of this row
  assert.equal(groupLabel({ count: 2, members: [member("a"), member("b", "x")] }, "seed"), "2 seeds");
  assert.equal(groupLabel({ count: 1, members: [member("a")] }, "seed"), "1 seed");
  assert.equal(groupLabel({ count: 2, members: [member("a"), member("b", "a")] }, "run"), "2 runs");
});
