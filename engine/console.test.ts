import assert from "node:assert/strict";
import { test } from "node:test";
import { ConsoleFormatter, consoleText, summaryLine } from "./console";

test("console lines: steps, evaluations (with the last train_loss), samples, the summary; logs are their own lines", () => {
  const f = new ConsoleFormatter();
  const text = (ev: Parameters<ConsoleFormatter["lines"]>[0]) => f.lines(ev).map(consoleText);
  assert.deepEqual(text({ type: "metric", step: 10, time: 1, values: { train_loss: 2.5, grad_norm: 0.75, lr: 0.01, throughput: 12345.6 } }), ["step 10  train_loss 2.500  grad_norm 0.7500  12,346 tok/s"]);
  assert.deepEqual(text({ type: "metric", step: 10, time: 1, values: { val_loss: 2.25, val_acc: 0.5, saturation: 0.125 } }), ["step 10  train_loss 2.500  val_loss 2.250  val_acc 0.5000  saturation 0.1250"]);
  assert.deepEqual(text({ type: "sample", step: 10, temperature: 0.8, text: "ab\ncd" }), ["--- sample at step 10 (temperature 0.8)\nab\ncd\n---"]);
  assert.deepEqual(text({ type: "sample", step: 20, temperature: 0, text: "x" }), ["--- sample at step 20 (greedy)\nx\n---"]);
  assert.deepEqual(text({ type: "done", state: "finished", step: 20, summary: { val_loss: 2, step: 20 } }), ["finished at step 20: val_loss 2  step 20"]);
  assert.deepEqual(text({ type: "log", level: "warn", message: "slow" }), [], "a log line is printed as it is, not formatted again");
  assert.deepEqual(text({ type: "heartbeat", step: 3 }), []);
  assert.deepEqual(f.lines({ type: "metric", step: 30, time: 1, values: { lr: 0.01 } }), [], "a metric without a loss adds no line");
  assert.equal(f.lines({ type: "metric", step: 40, time: 1, values: { train_loss: 1 } })[0].step, 40);
});

test("console text: info and stderr lines as they are, other levels prefixed", () => {
  assert.equal(consoleText({ level: "info", message: "step 1" }), "step 1");
  assert.equal(consoleText({ level: "warn", message: "wasm unavailable" }), "warn: wasm unavailable");
  assert.equal(consoleText({ level: "error", message: "boom" }), "error: boom");
  assert.equal(consoleText({ level: "stderr", message: "Traceback (most recent call last):" }), "Traceback (most recent call last):", "a program's stderr line as its terminal showed it");
  assert.equal(summaryLine("crashed", 7, {}), "crashed at step 7");
});
