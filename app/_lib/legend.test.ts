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

// Program runs (logged through the API) carry a free-form config, flattened ("optimizer.name"):
// no engine keys, so nothing of the engine's may show in their names.
const programs = [
  { id: "p", name: "mlp-0", kind: "program" as const, config: { lr: 0.003, "optimizer.name": "adam", "optimizer.momentum": 0.9, hidden: 64, layers: [64, 64] } },
  { id: "q", name: "mlp-1", kind: "program" as const, config: { lr: 0.0125, "optimizer.name": "sgd", "optimizer.momentum": 0.9, hidden: 128, layers: [128], warmup: 100 } },
];
const engine = runs.map((r) => ({ ...r, kind: "engine" as const, config: { task: "charlm", corpus: "builtin", hidden_size: 64, ...r.config } }));

test("program runs: their name and their own keys that vary, as they logged them", () => {
  const names = legendNames(programs);
  assert.equal(names.get("p"), "mlp-0 · hidden 64 · layers [64,64] · lr 0.003 · optimizer.name adam");
  // a key only some runs have tells them apart, and shows only where it is
  assert.equal(legendNames(programs, 10).get("q"), "mlp-1 · hidden 128 · layers [128] · lr 0.0125 · optimizer.name sgd · warmup 100");
  assert.equal(legendNames(programs, 10).get("p"), "mlp-0 · hidden 64 · layers [64,64] · lr 0.003 · optimizer.name adam");
});

test("a mix: each run is told apart among runs of its kind, with no placeholder for keys it lacks", () => {
  const names = legendNames([...programs, ...engine], 3);
  assert.equal(names.get("p"), "mlp-0 · hidden 64 · layers [64,64] · lr 0.003");
  assert.equal(names.get("a"), "brisk-river-1 · lstm · lr 0.003 · seed 1");
  assert.equal(names.get("c"), "wild-sun-3 · rnn · lr 0.01 · seed 3");
  for (const name of names.values()) assert.doesNotMatch(name, /–|charlm|builtin/);
  // one program run among engine runs: its name alone
  const one = legendNames([programs[0], ...engine], 2);
  assert.equal(one.get("p"), "mlp-0");
  assert.equal(one.get("b"), "calm-lake-2 · rnn · lr 0.003");
});

test("a key's numbers read in one notation across the legend: lr 7.8e-4 beside lr 4.93e-2, not 0.0493", () => {
  const runs = [
    { id: "a", name: "a-1", config: { learning_rate: 7.8e-4, hidden_size: 64, seed: 1574409985 } },
    { id: "b", name: "b-2", config: { learning_rate: 0.04929, hidden_size: 128, seed: 7 } },
  ];
  const names = legendNames(runs);
  assert.equal(names.get("a"), "a-1 · hidden 64 · lr 7.8e-4 · seed 1574409985");
  assert.equal(names.get("b"), "b-2 · hidden 128 · lr 4.93e-2 · seed 7");
  // without an exponent among them, as before
  assert.equal(legendNames([runs[1], { ...runs[1], id: "c", config: { ...runs[1].config, learning_rate: 0.003 } }]).get("c"), "b-2 · lr 0.003");
  const programs = [
    { id: "p", name: "p-1", kind: "program" as const, config: { lr: 2.5e-4 } },
    { id: "q", name: "q-2", kind: "program" as const, config: { lr: 0.0125 } },
  ];
  assert.equal(legendNames(programs).get("q"), "q-2 · lr 1.25e-2");
});
