import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { RunConfig, resolveRunConfig } from "../../engine/config";
import { parseTrainArgs } from "../../engine/terminal";
import { CreateRunRequest } from "../../sweeps/logging-api";
import { configYaml, trainCommand } from "./run-copy";

// The run page's copy buttons: the command, split by a real shell, is read back by the train
// CLI's own argument parser to the same config; the YAML reads back to the same config.

/** The words bash makes of a command line (no command is run: printf prints them). */
function shellWords(command: string): string[] {
  const out = spawnSync("bash", ["-c", `printf '%s\\0' ${command}`], { encoding: "utf8" });
  assert.equal(out.status, 0, out.stderr);
  return out.stdout.split("\0").slice(0, -1);
}

describe("copy as CLI command", () => {
  it("a resolved engine config comes back whole through bash and parseTrainArgs, and validates", () => {
    const config = resolveRunConfig({ task: "charlm", cell: "lstm", hidden_size: 64, dropout: 0.25, layernorm: true, learning_rate: 0.003, seed: 7 });
    const command = trainCommand(config);
    assert.match(command, /^npm run train -- --task=charlm /);
    const words = shellWords(command);
    assert.deepEqual(words.slice(0, 4), ["npm", "run", "train", "--"]);
    const parsed = parseTrainArgs(words.slice(4));
    assert.deepEqual(parsed.config, config);
    assert.equal(RunConfig.safeParse(parsed.config).success, true);
  });

  it("strings JSON would misread, quotes, spaces, leading dashes and nulls survive", () => {
    const config = { corpus: "1e3", a: "true", b: "it's a \"quote\"", c: "--not-a-flag", d: null, e: 0.1 + 0.2, f: "$HOME `x`", g: [1, "x"] };
    const parsed = parseTrainArgs(shellWords(trainCommand(config)).slice(4));
    assert.deepEqual(parsed.config, config);
  });
});

describe("copy config as YAML", () => {
  it("reads back to the same config", () => {
    const config = resolveRunConfig({ task: "quadrant", init: "normal", init_std: 2 });
    assert.deepEqual(parse(configYaml(config)), config);
    assert.deepEqual(Object.keys(parse(configYaml(config))), Object.keys(config), "an engine run's keys in their order");
  });

  it("a program run's config reads back nested as the program logged it, though stored flat", () => {
    const logged = { lr: 0.003, optimizer: { name: "adam", betas: [0.9, 0.999], schedule: { warmup: 100 } }, hidden: 64 };
    const created = CreateRunRequest.safeParse({ config: logged }); // what the logging API stores
    assert.ok(created.success);
    assert.deepEqual(Object.keys(created.data.config!), ["lr", "optimizer.name", "optimizer.betas", "optimizer.schedule.warmup", "hidden"]);
    const yaml = configYaml(created.data.config!);
    assert.deepEqual(parse(yaml), logged);
    assert.match(yaml, /^optimizer:\n {2}name: adam\n/m);
  });

  it("a key that is both a value and a parent stays flat, as stored: nesting would drop one", () => {
    const stored = { a: 1, "a.b": 2, c: 3 };
    assert.deepEqual(parse(configYaml(stored)), stored);
  });
});
