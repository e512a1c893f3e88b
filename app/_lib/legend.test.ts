import assert from "node:assert/strict";
import test from "node:test";
import { differingKeys, legendNames } from "./legend";

const runs = [
  { id: "a", name: "brisk-river-1", config: { cell: "lstm", learning_rate: 0.003, dropout: 0.2, seed: 1 } },
  { id: "b", name: "calm-lake-2", config: { cell: "rnn", learning_rate: 0.003, dropout: 0.2, seed: 2 } },
  { id: "c", name: "wild-sun-3", config: { cell: "rnn", learning_rate: 0.01, dropout: 0.2, seed: 3 } },
];

test("differing keys in config order, seed last", () => {
  assert.deepEqual(differingKeys(runs.map((r) => r.config)), ["cell", "learning_rate", "seed"]);
});

test("legend names say what differs", () => {
  const names = legendNames(runs, 2);
  assert.equal(names.get("a"), "lstm · lr 0.003");
  assert.equal(names.get("c"), "rnn · lr 0.01");
});

test("identical configs and single runs fall back to the run name; clashes get it appended", () => {
  assert.equal(legendNames([runs[0]]).get("a"), "brisk-river-1");
  const twins = [runs[0], { ...runs[0], id: "d", name: "twin-4", config: { ...runs[0].config, seed: 9 } }];
  assert.equal(legendNames(twins).get("d"), "seed 9");
  const names = legendNames(runs, 1);
  assert.equal(names.get("b"), "rnn (calm-lake-2)");
});
