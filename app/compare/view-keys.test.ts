import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCompareView } from "../_lib/compare-view";
import { matchMetrics, viewKeys, viewPairs } from "../_lib/panels";
import { viewFetch } from "./view-keys";

const NAMES = ["eval_loss", "grad_norm", "train_loss", "val_acc", "val_loss"];

test("the server fetches what the page draws: a panel's regex matched against the runs' metric names, as the browser matches it", () => {
  const view = parseCompareView(new URLSearchParams("metrics=train_loss&panel=x:metric:train_loss;re:val_.*&panel=y:grad_norm;re:(val|eval)_loss"));
  const got = viewFetch(view.metrics, view.panels, NAMES);
  assert.deepEqual(got, { keys: ["train_loss", "val_acc", "val_loss", "grad_norm", "eval_loss"], pair: [["val_acc", "train_loss"], ["val_loss", "train_loss"]] });
  // the very keys and pairs CompareView computes from the same names
  const keys = viewKeys(view.metrics, view.panels, NAMES);
  assert.deepEqual(got.keys, keys);
  assert.deepEqual(got.pair, viewPairs(view.panels, NAMES, keys));
  // no regex: the named metrics
  assert.deepEqual(viewFetch(["val_loss"], [{ y: ["grad_norm"] }], NAMES), { keys: ["val_loss", "grad_norm"], pair: [] });
});

test("a pathological regex in a link is matched whole, in time linear in the names (RE2): the first render fetches what the page draws", { timeout: 10_000 }, () => {
  // (a+)+! backtracks exponentially, in JavaScript's own engine, on a long name of a's that does not end in !
  const names = [...NAMES, "a".repeat(128), "aaaa!"];
  const view = parseCompareView(new URLSearchParams("metrics=val_loss&panel=y:grad_norm;re:(a%2B)%2B!"));
  assert.equal(view.panels[0].re, "(a+)+!");
  assert.deepEqual(viewFetch(view.metrics, view.panels, names), { keys: ["val_loss", "grad_norm", "aaaa!"], pair: [] });
  assert.deepEqual(matchMetrics("val_.*", names), ["val_acc", "val_loss"]);
});
