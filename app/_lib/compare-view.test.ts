import assert from "node:assert/strict";
import test from "node:test";
import { compareViewQuery, DEFAULT_METRICS, parseCompareView } from "./compare-view";

test("a compare view round-trips through its URL", () => {
  const q = "runs=abcd1234,efgh5678&metrics=val_loss&x=relative&log=1&smooth=gaussian:3&group=cell&band=std&hide=abcd1234";
  const v = parseCompareView(new URLSearchParams(q));
  assert.deepEqual(v.runs, ["abcd1234", "efgh5678"]);
  assert.equal(v.x, "relative");
  assert.equal(v.log, true);
  assert.deepEqual(v.smoothing, { kind: "gaussian", amount: 3 });
  assert.equal(v.group, "cell");
  assert.equal(v.band, "std");
  assert.equal(compareViewQuery(v), q);
});

test("names in any script round-trip: metrics, the grouping key, a hidden group (学习率=0.1), the scatter's axes", () => {
  const view = parseCompareView({ runs: "abcd1234", metrics: "损失,val/точность", group: "学习率", hide: "学习率=0.1,学习率=0.01", sx: "学习率", sy: "损失" });
  assert.deepEqual([view.metrics, view.group, view.hidden, view.scatter.x, view.scatter.y], [["损失", "val/точность"], "学习率", ["学习率=0.1", "学习率=0.01"], "学习率", "损失"]);
  assert.deepEqual(parseCompareView(new URLSearchParams(compareViewQuery(view))), view);
  assert.deepEqual(parseCompareView({ runs: "abcd1234", group: "学习 率", hide: "学习\u200b率=1" }).hidden, [], "a space or an invisible character is no name (a key's value may hold them)");
});

test("bad values fall back to defaults", () => {
  const v = parseCompareView({ runs: "ok12,NOPE!,ok12", x: "sideways", band: "x", group: "a;b", metrics: "" });
  assert.deepEqual(v.runs, ["ok12"]);
  assert.equal(v.x, "step");
  assert.equal(v.band, "minmax");
  assert.equal(v.group, null);
  assert.deepEqual(v.metrics, DEFAULT_METRICS);
  assert.equal(compareViewQuery(v), "runs=ok12");
});

test("the scatter's and histogram's settings round-trip; bad keys are dropped", () => {
  const q = "runs=abcd1234&sx=learning_rate&sy=val_loss_best&sc=step&slog=xy&hist=val_acc";
  const v = parseCompareView(new URLSearchParams(q));
  assert.deepEqual(v.scatter, { x: "learning_rate", y: "val_loss_best", color: "step", logX: true, logY: true });
  assert.equal(v.hist, "val_acc");
  assert.equal(compareViewQuery(v), q);
  const bad = parseCompareView({ runs: "abcd1234", sx: "a;b", sc: "rainbow", hist: "!" });
  assert.deepEqual(bad.scatter, { x: null, y: null, color: "none", logX: null, logY: null });
  assert.equal(bad.hist, null);
  assert.equal(compareViewQuery(bad), "runs=abcd1234");
});

test("every group key hides through the URL: a value with a space, a comma, a quote, =, &, %, unicode or none", async () => {
  const { groupsFor } = await import("./compare-shape");
  const values = ["a b", "a,b", 'say "hi"', "x=y", "R&D", "50%", "50%2C", "学 习,率", "", "null", " pad", "lstm", 0.1, null];
  const runs = values.map((cell, i) => ({ id: `run${i}abc`, name: `r${i}`, state: "finished", config: cell === null ? {} : { cell }, params: {}, summary: {}, tags: [], sweepId: null, runGroup: null }));
  const keys = groupsFor(runs as never, "cell").map((g) => g.key);
  assert.equal(keys.length, values.length);
  const view = { ...parseCompareView({ runs: "run0abc", group: "cell" }), hidden: [...keys, "run1abc"] };
  const q = compareViewQuery(view);
  assert.deepEqual(parseCompareView(new URLSearchParams(q)).hidden, view.hidden, q);
  // as the page reads it on the server (Next's searchParams: an object of decoded values)
  assert.deepEqual(parseCompareView(Object.fromEntries(new URLSearchParams(q))).hidden, view.hidden);
});

test("links of plain hidden keys read as before, and are written as before", () => {
  const q = 'runs=abcd1234&group=cell&hide=cell=lstm,cell=null,cell=%22null%22,cell=%22%22,lr=0.1,abcd1234';
  const v = parseCompareView(new URLSearchParams(q));
  assert.deepEqual(v.hidden, ["cell=lstm", "cell=null", 'cell="null"', 'cell=""', "lr=0.1", "abcd1234"]);
  assert.equal(compareViewQuery(v), q);
  assert.deepEqual(parseCompareView({ runs: "abcd1234", hide: "not an id,a;b=1" }).hidden, [], "neither a run id nor a key=value");
});
