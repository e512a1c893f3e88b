import assert from "node:assert/strict";
import test from "node:test";
import { describeValue, differingKeys, legendNames } from "./legend";

const runs = [
  { id: "a", name: "brisk-river-1", config: { cell: "lstm", learning_rate: 0.003, dropout: 0.2, seed: 1 } },
  { id: "b", name: "calm-lake-2", config: { cell: "rnn", learning_rate: 0.003, dropout: 0.2, seed: 2 } },
  { id: "c", name: "wild-sun-3", config: { cell: "rnn", learning_rate: 0.01, dropout: 0.2, seed: 3 } },
];

test("differing keys in config order, seed last", () => {
  assert.deepEqual(differingKeys(runs.map((r) => r.config)), ["cell", "learning_rate", "seed"]);
});

test("legend names: the run's name, then what differs", () => {
  const names = legendNames(runs, 2);
  assert.equal(names.get("a"), "brisk-river-1 · lstm · lr 0.003");
  assert.equal(names.get("c"), "wild-sun-3 · rnn · lr 0.01");
});

test("a single run, or identical configs, show the name alone", () => {
  assert.equal(legendNames([runs[0]]).get("a"), "brisk-river-1");
  assert.equal(legendNames([runs[0], { ...runs[0], id: "d", name: "twin-4" }]).get("d"), "twin-4");
});

test("id-like integers keep their digits together: seeds, indexes, steps", () => {
  const seeds = [
    { id: "a", name: "a-1", config: { cell: "lstm", seed: 1574409985, steps: 24000 } },
    { id: "b", name: "b-2", config: { cell: "lstm", seed: 733997777, steps: 12000 } },
  ];
  const names = legendNames(seeds);
  assert.equal(names.get("a"), "a-1 · steps 24,000 · seed 1574409985");
  assert.equal(names.get("b"), "b-2 · steps 12,000 · seed 733997777");
  assert.equal(describeValue("best_step", 12000), "best_step 12000");
});
