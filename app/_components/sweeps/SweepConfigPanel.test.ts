import assert from "node:assert/strict";
import { test } from "node:test";
import { docToYaml } from "../../_lib/sweep-form";
import { sweepConfigText } from "./SweepConfigPanel";

// The sweep page's configuration panel: the YAML as launched, comments kept; JSON as YAML.

test("a sweep launched as YAML reads as written; one sent as JSON, or without text, as its stored config in YAML", () => {
  const yaml = "# lr search\nmethod: random\nparameters:\n  learning_rate: {min: 0.001, max: 0.1}   # log?\n";
  const config = { method: "random", parameters: { learning_rate: { min: 0.001, max: 0.1 } } };
  assert.equal(sweepConfigText(yaml, config), yaml.trimEnd());
  assert.equal(sweepConfigText(JSON.stringify(config), config), docToYaml(config).trimEnd());
  assert.equal(sweepConfigText("", config), docToYaml(config).trimEnd());
  assert.match(sweepConfigText("  ", config), /^method: random\nparameters:\n {2}learning_rate:/);
});
