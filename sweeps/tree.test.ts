import { test } from "node:test";
import assert from "node:assert/strict";
import { gridCombinations, parseSweepConfig, parseSweepConfigText, parseWandbSweepConfig, sweepSize, sweepToYaml, type SweepConfig } from "./config.ts";
import { proposeNext, type Trial } from "./search/index.ts";
import { analyzeImportanceByBranch } from "./importance.ts";

// Conditional search spaces (tree.ts): schema, validation paths, grid over the tree, random draws.

const EXAMPLE = `
method: grid
parameters:
  optimizer:
    choices:
      sgd: {}
      momentum:
        momentum: {values: [0.5, 0.9]}
      adam:
        learning_rate: {value: 0.003}
  learning_rate: {value: 0.05}
`;

const config = (input: unknown): SweepConfig => {
  const r = typeof input === "string" ? parseSweepConfigText(input) : parseSweepConfig(input);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
  return r.config;
};

function drive(c: SweepConfig, n = Infinity): Trial[] {
  const trials: Trial[] = [];
  while (trials.length < n) {
    const p = proposeNext(c, trials);
    if (p.done) break;
    trials.push({ params: p.params, state: "finished", value: 1 });
  }
  return trials;
}

const withoutSeed = (p: Record<string, unknown>) => Object.fromEntries(Object.entries(p).filter(([k]) => k !== "seed"));

test("grid enumerates the tree: 1 + 2 + 1 = 4 configurations, each with only its branch's parameters, sub-parameters overriding", () => {
  const c = config(EXAMPLE);
  assert.equal(gridCombinations(c), 4);
  assert.equal(sweepSize(c), 4);
  const trials = drive(c);
  assert.deepEqual(
    trials.map((t) => withoutSeed(t.params)),
    [
      { learning_rate: 0.05, optimizer: "sgd" },
      { learning_rate: 0.05, momentum: 0.5, optimizer: "momentum" },
      { learning_rate: 0.05, momentum: 0.9, optimizer: "momentum" },
      { learning_rate: 0.003, optimizer: "adam" },
    ],
  );
  assert.deepEqual(proposeNext(c, trials), { done: true, reason: "grid exhausted (4 configurations)" });
  // a grid run counts once: a re-proposal after a run of the momentum branch skips it
  assert.equal(sweepSize(config({ ...c, replicates: 2 })), 8);
});

test("grid: nested choices and two choice parameters multiply branch by branch", () => {
  const c = config({
    method: "grid",
    parameters: {
      init: { choices: { xavier: {}, normal: { init_std: { values: [0.1, 1] } } } },
      optimizer: {
        choices: {
          adam: null,
          momentum: { momentum: { values: [0.5, 0.9] }, lr_schedule: { choices: { constant: {}, step: { lr_gamma: { values: [0.1, 0.5] } } } } },
        },
      },
    },
  });
  // init: 1 + 2 = 3 alternatives; optimizer: 1 + 2 × (1 + 2) = 7 alternatives → 21
  assert.equal(gridCombinations(c), 21);
  const trials = drive(c).map((t) => withoutSeed(t.params));
  assert.equal(trials.length, 21);
  assert.equal(new Set(trials.map((t) => JSON.stringify(t))).size, 21, "no configuration twice");
  assert.deepEqual(trials.slice(0, 8), [
    { init: "xavier", optimizer: "adam" },
    { init: "xavier", momentum: 0.5, optimizer: "momentum", lr_schedule: "constant" },
    { init: "xavier", momentum: 0.9, optimizer: "momentum", lr_schedule: "constant" },
    { init: "xavier", lr_gamma: 0.1, lr_schedule: "step", momentum: 0.5, optimizer: "momentum" },
    { init: "xavier", lr_gamma: 0.1, lr_schedule: "step", momentum: 0.9, optimizer: "momentum" },
    { init: "xavier", lr_gamma: 0.5, lr_schedule: "step", momentum: 0.5, optimizer: "momentum" },
    { init: "xavier", lr_gamma: 0.5, lr_schedule: "step", momentum: 0.9, optimizer: "momentum" },
    { init: "normal", init_std: 0.1, optimizer: "adam" },
  ]);
  for (const t of trials) {
    assert.equal("init_std" in t, t.init === "normal");
    assert.equal("momentum" in t, t.optimizer === "momentum");
    assert.equal("lr_gamma" in t, t.lr_schedule === "step");
  }
});

test("random draws a choice by its probabilities, then that choice's sub-parameters", () => {
  const c = config({
    method: "random",
    seed: 7,
    run_cap: 4000,
    parameters: {
      optimizer: {
        choices: { sgd: {}, momentum: { momentum: { values: [0.5, 0.9], probabilities: [0.25, 0.75] } }, adam: { learning_rate: { distribution: "log_uniform_values", min: 1e-4, max: 1e-2 } } },
        probabilities: [0.5, 0.3, 0.2],
      },
      learning_rate: { value: 0.05 },
    },
  });
  const trials = drive(c).map((t) => t.params as Record<string, unknown>);
  assert.equal(trials.length, 4000);
  const share = (f: (p: Record<string, unknown>) => boolean, of = trials) => of.filter(f).length / of.length;
  // 4000 draws: a share's standard error is at most 0.008; 0.03 is nearly 4 of them
  assert.ok(Math.abs(share((p) => p.optimizer === "sgd") - 0.5) < 0.03);
  assert.ok(Math.abs(share((p) => p.optimizer === "momentum") - 0.3) < 0.03);
  assert.ok(Math.abs(share((p) => p.optimizer === "adam") - 0.2) < 0.03);
  const momentum = trials.filter((p) => p.optimizer === "momentum");
  assert.ok(Math.abs(share((p) => p.momentum === 0.9, momentum) - 0.75) < 0.05);
  for (const p of trials) {
    assert.equal("momentum" in p, p.optimizer === "momentum");
    if (p.optimizer === "adam") assert.ok((p.learning_rate as number) >= 1e-4 && (p.learning_rate as number) <= 1e-2);
    else assert.equal(p.learning_rate, 0.05);
  }
  // log-uniform under adam: half the draws below the geometric middle, 1e-3
  const adam = trials.filter((p) => p.optimizer === "adam");
  assert.ok(Math.abs(share((p) => (p.learning_rate as number) < 1e-3, adam) - 0.5) < 0.07);
});

test("uniform choices without probabilities; numeric choices are numbers", () => {
  const c = config({ method: "random", seed: 1, run_cap: 3000, parameters: { num_layers: { choices: { 1: {}, 2: { dropout: { values: [0.1, 0.3] } } } } } });
  const trials = drive(c).map((t) => t.params as Record<string, unknown>);
  const twos = trials.filter((p) => p.num_layers === 2);
  assert.ok(Math.abs(twos.length / trials.length - 0.5) < 0.03);
  assert.ok(trials.every((p) => p.num_layers === 1 || p.num_layers === 2));
  assert.ok(trials.every((p) => ("dropout" in p) === (p.num_layers === 2)));
});

function issues(input: unknown) {
  const r = typeof input === "string" ? parseSweepConfigText(input) : parseSweepConfig(input);
  assert.ok(!r.ok, "expected the config to be refused");
  return r.issues;
}

test("mistakes under a choice are reported at their path", () => {
  const at = (input: unknown) => issues(input).map((i) => `${i.path}: ${i.message}`);
  const base = (momentum: unknown, extra: Record<string, unknown> = {}) => ({ method: "random", parameters: { optimizer: { choices: { sgd: {}, momentum: { momentum }, ...extra } } } });
  assert.match(at(base({ values: [0.5, 1.5] })).join("\n"), /^parameters\.optimizer\.choices\.momentum\.momentum\.values\.1: must be < 1/m);
  assert.match(at(base({ valuez: [0.5] })).join("\n"), /^parameters\.optimizer\.choices\.momentum\.momentum: /m);
  assert.match(at(base({ value: 0.5 }, { rmsprop: {} })).join("\n"), /^parameters\.optimizer\.choices\.rmsprop: the choice "rmsprop" is not a valid optimizer: must be one of/m);
  assert.match(at({ method: "random", parameters: { optimizer: { choices: { momentum: { momentom: { value: 0.5 } } } } } }).join("\n"), /^parameters\.optimizer\.choices\.momentum\.momentom: unknown parameter "momentom": not a RunConfig key \(did you mean "momentum"\?\)/m);
  assert.match(at({ method: "random", parameters: { optimizer: { choices: { sgd: {}, adam: {} }, probabilities: [0.5] } } }).join("\n"), /^parameters\.optimizer\.probabilities: has 1 entries but there are 2 choices/m);
  assert.match(at({ method: "grid", parameters: { optimizer: { choices: { sgd: {}, adam: {} }, probabilities: [0.5, 0.5] } } }).join("\n"), /^parameters\.optimizer\.probabilities: grid search tries every choice/m);
  assert.match(at({ method: "grid", parameters: { optimizer: { choices: { adam: { learning_rate: { min: 0.001, max: 0.01 } } } } } }).join("\n"), /^parameters\.optimizer\.choices\.adam\.learning_rate\.distribution: grid search needs a finite set/m);
  assert.match(at({ method: "random", parameters: { optimizer: { choices: {} } } }).join("\n"), /^parameters\.optimizer\.choices: give at least one choice/m);
  // YAML: int-vs-float inference reaches specs under choices
  assert.match(at("method: random\nparameters:\n  optimizer:\n    choices:\n      adam:\n        hidden_size: {distribution: int_uniform, min: 16.0, max: 64}\n").join("\n"), /^parameters\.optimizer\.choices\.adam\.hidden_size\.min: must be an integer/m);
});

test("W&B configs read the same; choices work with free names; YAML round-trips", () => {
  const wandb = parseWandbSweepConfig({ method: "grid", parameters: { opt: { choices: { a: { x: { values: [1, 2] } }, b: {} } }, y: { value: 3 } } });
  assert.ok(wandb.ok);
  assert.equal(gridCombinations(wandb.config), 3);
  const c = config(EXAMPLE);
  assert.deepEqual(config(sweepToYaml(c)), c);
});

test("an engine sweep varying optimizer and momentum flat is warned, with the conditional form and the runs it saves", () => {
  const flat = parseSweepConfig({ method: "grid", replicates: 2, parameters: { optimizer: { values: ["sgd", "momentum", "adam"] }, momentum: { values: [0.5, 0.9] }, hidden_size: { values: [16, 32] } } });
  assert.ok(flat.ok);
  const w = flat.warnings.find((x) => x.path === "parameters.momentum");
  assert.ok(w, JSON.stringify(flat.warnings));
  // flat: 3 × 2 × 2 × 2 replicates = 24; as choices: (2 + 1 + 1) × 2 × 2 = 16
  assert.match(w.message, /momentum applies only when optimizer is momentum/);
  assert.match(w.message, /optimizer: \{choices: \{sgd: \{\}, momentum: \{momentum: \{\.\.\.\}\}, adam: \{\}\}\}/);
  assert.match(w.message, /it has 16 runs instead of 24: 8 runs saved/);
  const random = parseSweepConfig({ method: "random", parameters: { init: { values: ["normal", "xavier"], probabilities: [0.25, 0.75] }, init_std: { min: 0.1, max: 2.0 } } });
  assert.match(random.warnings.map((x) => `${x.path}: ${x.message}`).join("\n"), /^parameters\.init_std: init_std applies only when init is normal.*: 75% of the runs/m);
  const none = parseSweepConfig({ method: "grid", parameters: { optimizer: { value: "adam" }, momentum: { values: [0.5, 0.9] } } });
  assert.match(none.warnings.map((x) => x.message).join("\n"), /every momentum gives the same run/);
  // the conditional form, and W&B-level (program) sweeps, get no such warning
  const tree = parseSweepConfig({ method: "grid", parameters: { optimizer: { choices: { sgd: {}, momentum: { momentum: { values: [0.5, 0.9] } } } } } });
  assert.ok(tree.ok && tree.warnings.length === 0, JSON.stringify(tree.warnings));
  const wandb = parseWandbSweepConfig({ method: "grid", parameters: { optimizer: { values: ["sgd", "momentum"] }, momentum: { values: [0.5, 0.9] } } });
  assert.equal(wandb.warnings.length, 0);
});

test("importance of a tree is computed per branch, and says over which runs", () => {
  const c = config({
    method: "random",
    seed: 2,
    run_cap: 60,
    parameters: {
      optimizer: { choices: { sgd: {}, momentum: { momentum: { min: 0.0, max: 0.95 } }, adam: { learning_rate: { distribution: "log_uniform_values", min: 1e-4, max: 1e-2 } } } },
      learning_rate: { value: 0.05 },
    },
  });
  // the metric: adam best; within momentum, higher momentum is better; within adam, the rate hardly matters
  const value = (p: Record<string, unknown>) => (p.optimizer === "adam" ? 1 + 0.01 * Math.log10(p.learning_rate as number) : p.optimizer === "sgd" ? 3 : 2.5 - (p.momentum as number));
  const runs = drive(c).map((t) => ({ params: t.params as Record<string, unknown>, value: value(t.params as Record<string, unknown>) }));
  const { params } = analyzeImportanceByBranch(runs, { config: c, seed: 1 });
  const row = (param: string) => params.filter((p) => p.param === param);
  assert.ok(row("optimizer").length > 0 && row("optimizer").every((p) => p.branch === "all runs"));
  const momentum = row("momentum");
  assert.equal(momentum.length, 1);
  assert.equal(momentum[0].branch, "optimizer=momentum");
  assert.ok(momentum[0].importance > 0.8, `momentum within its branch: ${momentum[0].importance}`);
  assert.ok((momentum[0].correlation ?? 0) < -0.9);
  const lr = row("learning_rate");
  assert.deepEqual(lr.map((p) => p.branch), ["optimizer=adam"], "learning_rate varies only under adam");
});

test("a key under a choice where it does not apply is warned about at its path", () => {
  const r = parseSweepConfig({ method: "grid", parameters: { optimizer: { choices: { adam: { momentum: { values: [0.5, 0.9] } }, momentum: { momentum: { values: [0.5, 0.9] } } } } } });
  assert.ok(r.ok);
  assert.deepEqual(
    r.warnings.map((w) => `${w.path}: ${w.message}`),
    ["parameters.optimizer.choices.adam.momentum: momentum applies only when optimizer is momentum: under optimizer: adam it has no effect on the runs"],
  );
});
