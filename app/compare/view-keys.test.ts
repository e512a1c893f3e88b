import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCompareView } from "../_lib/compare-view";
import { matchMetrics, viewKeys, viewPairs } from "../_lib/panels";
import { REGEX_BUDGET_MS, viewFetch } from "./view-keys";

const NAMES = ["eval_loss", "grad_norm", "train_loss", "val_acc", "val_loss"];

test("the server fetches what the page draws: a panel's regex matched against the runs' metric names, as the browser matches it", () => {
  const view = parseCompareView(new URLSearchParams("metrics=train_loss&panel=x:metric:train_loss;re:val_.*&panel=y:grad_norm;re:(val|eval)_loss"));
  const got = viewFetch(view.metrics, view.panels, NAMES);
  assert.deepEqual(got, { keys: ["train_loss", "val_acc", "val_loss", "grad_norm", "eval_loss"], pair: [["val_acc", "train_loss"], ["val_loss", "train_loss"]], matched: true });
  // the very keys and pairs CompareView computes from the same names
  const keys = viewKeys(view.metrics, view.panels, NAMES);
  assert.deepEqual(got.keys, keys);
  assert.deepEqual(got.pair, viewPairs(view.panels, NAMES, keys));
  // no regex: the named metrics
  assert.deepEqual(viewFetch(["val_loss"], [{ y: ["grad_norm"] }], NAMES), { keys: ["val_loss", "grad_norm"], pair: [], matched: true });
});

test("a pathological regex in a link stops after the budget: the server fetches the named metrics and leaves the regex to the browser", () => {
  // (a+)+! backtracks exponentially on a long name of a's that does not end in !
  const names = [...NAMES, "a".repeat(60)];
  const view = parseCompareView(new URLSearchParams("metrics=val_loss&panel=y:grad_norm;re:(a%2B)%2B!"));
  assert.equal(view.panels[0].re, "(a+)+!");
  const t0 = performance.now();
  const got = viewFetch(view.metrics, view.panels, names);
  const ms = performance.now() - t0;
  assert.deepEqual(got, { keys: ["val_loss", "grad_norm"], pair: [], matched: false });
  assert.ok(ms < REGEX_BUDGET_MS + 200, `took ${ms.toFixed(0)} ms`);
  // the server goes on as before (the interrupted isolate is usable), and a fair regex still resolves
  assert.deepEqual(matchMetrics("val_.*", names), ["val_acc", "val_loss"]);
  assert.equal(viewFetch([], [{ y: [], re: "val_.*" }], names).matched, true);
  // a budget is a budget: a matching that takes a while runs to its end within it
  assert.deepEqual(viewFetch([], [{ y: [], re: "(a+)+" }], ["a".repeat(20) + "b", "aaa"], 1000).keys, ["aaa"]);
});
