import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { heldRowsQuery, liveRowsDigest, mergeLiveRows } from "./live-rows";

const row = (id: number, step: number) => ({ id, step, text: `${id}@${step}` });

describe("the run page's live samples and diagnostics", () => {
  it("the poll says how many rows the page holds and the largest id among them (0 when none)", () => {
    assert.equal(heldRowsQuery("samples", []), "samples=0&samplesAfter=0");
    assert.equal(heldRowsQuery("diagnostics", [row(4, 1), row(9, 1), row(7, 2)]), "diagnostics=3&diagnosticsAfter=9");
  });

  it("a tail is added after what is held; nothing new keeps the held array; a whole answer replaces it", () => {
    const held = [row(1, 10), row(2, 20)];
    assert.equal(mergeLiveRows(held, [], 2), held);
    assert.deepEqual(mergeLiveRows(held, [row(3, 30), row(4, 40)], 2), [...held, row(3, 30), row(4, 40)]);
    const whole = [row(5, 10)];
    assert.equal(mergeLiveRows(held, whole, undefined), whole);
  });

  it("in (step, id) order as a fresh load reads them, and a late answer's rows are not held twice", () => {
    // a row stored after another at a later step takes its step's place
    assert.deepEqual(mergeLiveRows([row(1, 10), row(2, 30)], [row(3, 20), row(4, 30)], 2), [row(1, 10), row(3, 20), row(2, 30), row(4, 30)]);
    // the page holds rows past `after` (a poll answered late): the answer's replace them
    assert.deepEqual(mergeLiveRows([row(1, 10), row(2, 20), row(3, 30)], [row(2, 20), row(3, 30)], 1), [row(1, 10), row(2, 20), row(3, 30)]);
  });
});

describe("the page's digest of the rows it holds", () => {
  it("differs when a row, a step or the order differs", () => {
    const rows = [row(1, 10), row(2, 20)];
    const digests = [rows, [row(1, 10)], [row(1, 10), row(3, 20)], [row(1, 10), row(2, 21)], [row(2, 20), row(1, 10)]].map(liveRowsDigest);
    assert.equal(new Set(digests).size, digests.length);
    assert.equal(liveRowsDigest([row(1, 10), row(2, 20)]), digests[0]);
    assert.match(digests[0], /^2:/);
  });
});
