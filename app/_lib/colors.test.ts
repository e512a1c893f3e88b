import assert from "node:assert/strict";
import { test } from "node:test";
import { byCreation, colorOf, NO_COLOR, PALETTE, runColors } from "./colors.ts";

test("a view's first twenty runs take twenty different colours, in the view's order", () => {
  const ids = Array.from({ length: 25 }, (_, i) => `run${i}`);
  const colors = runColors(ids);
  assert.deepEqual(ids.slice(0, 20).map((id) => colors.get(id)), PALETTE);
  assert.equal(new Set(ids.slice(0, 20).map((id) => colors.get(id))).size, 20);
  // after twenty the palette starts again
  assert.equal(colors.get("run20"), PALETTE[0]);
  // nine runs of a sweep: nine colours (a hash of the ids gave some of them the same red)
  assert.equal(new Set(runColors(ids.slice(0, 9)).values()).size, 9);
});

test("a repeated id keeps its first colour; an id the view does not list gets the neutral colour", () => {
  const colors = runColors(["a", "b", "a", "c"]);
  assert.deepEqual([...colors], [["a", PALETTE[0]], ["b", PALETTE[1]], ["c", PALETTE[2]]]);
  assert.equal(colorOf(colors, "c"), PALETTE[2]);
  assert.equal(colorOf(colors, "zz"), NO_COLOR);
  assert.ok(!PALETTE.includes(NO_COLOR));
});

test("creation order keeps colours while a sweep runs: new runs (and re-runs) only append", () => {
  const run = (id: string, createdAt: string, index: number) => ({ id, createdAt, index });
  const before = [run("q", "2026-01-01T00:00:02.000Z", 2), run("p", "2026-01-01T00:00:01.000Z", 1), run("z", "2026-01-01T00:00:01.000Z", 0)];
  const colorsBefore = runColors([...before].sort(byCreation).map((r) => r.id));
  // same millisecond: the proposal index decides
  assert.deepEqual([...colorsBefore.keys()], ["z", "p", "q"]);
  // a new run, and a re-run that copies index 0, arrive; the table may be sorted any way meanwhile
  const after = [run("rerun", "2026-01-01T00:00:04.000Z", 0), ...before.reverse(), run("new", "2026-01-01T00:00:03.000Z", 3)];
  const colorsAfter = runColors([...after].sort(byCreation).map((r) => r.id));
  for (const [id, c] of colorsBefore) assert.equal(colorsAfter.get(id), c);
  assert.equal(colorsAfter.get("new"), PALETTE[3]);
  assert.equal(colorsAfter.get("rerun"), PALETTE[4]);
});
