import assert from "node:assert/strict";
import test from "node:test";
import { mergeLogTail } from "./log-tail";

const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ id: from + i }));
const ids = (ls: { id: number }[]) => ls.map((l) => l.id);

test("new lines follow the held ones, in order", () => {
  assert.deepEqual(ids(mergeLogTail(lines(1, 3), lines(4, 6), 100)), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(ids(mergeLogTail([], lines(1, 2), 100)), [1, 2]);
});

test("lines a late poll repeats are dropped, and a poll with nothing new keeps the held array", () => {
  assert.deepEqual(ids(mergeLogTail(lines(1, 5), lines(3, 8), 100)), [1, 2, 3, 4, 5, 6, 7, 8]);
  const held = lines(1, 5);
  assert.equal(mergeLogTail(held, lines(2, 5), 100), held);
  assert.equal(mergeLogTail(held, [], 100), held);
});

test("the page keeps the last `cap` lines: the oldest go", () => {
  assert.deepEqual(ids(mergeLogTail(lines(1, 4), lines(5, 7), 5)), [3, 4, 5, 6, 7]);
  // a poll that brings more than the cap on its own (a tab long hidden): its newest
  assert.deepEqual(ids(mergeLogTail(lines(1, 4), lines(5, 20), 5)), [16, 17, 18, 19, 20]);
  // exactly the cap: nothing dropped
  assert.deepEqual(ids(mergeLogTail(lines(1, 3), lines(4, 5), 5)), [1, 2, 3, 4, 5]);
  const long = mergeLogTail(lines(1, 1000), lines(1001, 30_000), 2000);
  assert.equal(long.length, 2000);
  assert.deepEqual([long[0].id, long[1999].id], [28_001, 30_000]);
});

test("the lines are the polled records themselves", () => {
  const polled = [{ id: 2, message: "b" }];
  assert.equal(mergeLogTail([{ id: 1, message: "a" }], polled, 10)[1], polled[0]);
});
