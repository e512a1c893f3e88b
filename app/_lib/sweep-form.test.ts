import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseSweepConfig, parseSweepConfigText, readSweepText } from "../../sweeps/config.ts";
import {
  appliesUnder,
  copyOf,
  boundsHint,
  docToYaml,
  estimateRuns,
  formatEstimate,
  needsConfirmation,
  FIELD_BY_KEY,
  gridFactors,
  issueLabel,
  issueLines,
  issuesAt,
  lineOfPath,
  modeOf,
  parseList,
  parseScalar,
  RUN_FIELDS,
  setParam,
  setPath,
  specForMode,
  unknownParameterKeyList,
  unplacedIssues,
  withDistribution,
  withProject,
} from "./sweep-form.ts";
import { BLANK_DOC, HYPERBAND_PRESET_ID, presetOf, PRESETS } from "./sweep-presets.ts";

const readDoc = (text: string) => {
  const r = readSweepText(text);
  assert.ok(r.ok);
  return r.data as Record<string, unknown>;
};

const field = (k: string) => FIELD_BY_KEY.get(k as never)!;

test("fields come from the RunConfig schema: kinds, enums, bounds, defaults, descriptions", () => {
  assert.equal(RUN_FIELDS.length, FIELD_BY_KEY.size);
  assert.deepEqual(field("cell").options, ["rnn", "lstm", "gru"]);
  assert.equal(field("cell").kind, "enum");
  assert.equal(field("hidden_size").kind, "integer");
  assert.equal(field("dropout").kind, "number");
  assert.equal(field("dropout").max, 1);
  assert.equal(field("dropout").exclusiveMax, true);
  assert.equal(field("layernorm").kind, "boolean");
  assert.equal(field("learning_rate").default, 0.01);
  assert.match(field("learning_rate").description, /learning rate/i);
  assert.equal(boundsHint(field("dropout")), "0 ≤ x < 1");
  assert.equal(boundsHint(field("steps")), "1 ≤ x ≤ 1e7");
});

test("every preset and the blank form are valid sweeps that make a small, bounded number of runs", () => {
  for (const p of [...PRESETS.map((x) => x.doc), BLANK_DOC]) {
    const r = parseSweepConfig(p);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
    const est = estimateRuns(r.config);
    assert.notEqual(est.kind, "unbounded");
    // at most 27 runs: the hyperband preset is issue 13 §4's 27-run sweep (hyperband trains about a quarter of it)
    assert.ok(est.kind !== "unbounded" && est.runs <= 27);
    // presets keep sweeps short: the long-range-memory lesson needs 2000 steps, in 6 runs
    const steps = (r.config.parameters.steps as { value?: number } | undefined)?.value;
    assert.ok(steps !== undefined && est.runs * steps <= 12_000, "presets keep sweeps short");
  }
});

test("the hyperband preset is issue 13 §4's charlm sweep, the one bench/hyperband-charlm.ts measures", () => {
  const p = PRESETS.find((x) => x.id === HYPERBAND_PRESET_ID);
  assert.ok(p);
  const r = parseSweepConfig(p.doc);
  assert.ok(r.ok);
  const { config } = r;
  assert.equal(config.method, "random");
  assert.equal(config.run_cap, 27);
  assert.equal(config.early_terminate?.type, "hyperband");
  assert.deepEqual(config.metric, { name: "val_loss", goal: "minimize" });
  const params = config.parameters as Record<string, { value?: unknown; values?: unknown[]; distribution?: string; min?: number; max?: number }>;
  assert.equal(params.task.value, "charlm");
  // learning rate log-uniform over two decades, × dropout × hidden size
  assert.equal(params.learning_rate.distribution, "log_uniform_values");
  assert.ok(Math.abs(Math.log10(params.learning_rate.max! / params.learning_rate.min!) - 2) < 1e-9, "two decades");
  assert.ok((params.dropout.values?.length ?? 0) >= 2 && (params.hidden_size.values?.length ?? 0) >= 2);
});

test("switching modes gives specs the schema accepts", () => {
  for (const f of RUN_FIELDS) {
    if (f.kind === "string") continue;
    for (const mode of ["value", "values", "distribution"] as const) {
      if (mode === "distribution" && f.kind !== "integer" && f.kind !== "number") continue;
      const spec = specForMode(f, mode);
      assert.equal(modeOf(spec), mode);
      const r = parseSweepConfig({ method: "random", run_cap: 2, parameters: { [f.key]: spec } });
      assert.ok(r.ok, `${f.key} ${mode}: ${JSON.stringify(!r.ok && r.issues)}`);
    }
  }
  assert.deepEqual(specForMode(field("cell"), "values"), { values: ["rnn", "lstm", "gru"] });
  assert.deepEqual(specForMode(field("layernorm"), "values"), { values: [false, true] });
  assert.equal((specForMode(field("learning_rate"), "distribution") as { distribution: string }).distribution, "log_uniform_values");
  // values → fixed keeps the first value
  assert.deepEqual(specForMode(field("cell"), "value", { values: ["gru", "rnn"] }), { value: "gru" });
});

test("changing the distribution keeps bounds that still apply", () => {
  const spec = withDistribution(field("dropout"), { distribution: "uniform", min: 0.1, max: 0.5 }, "q_uniform");
  assert.deepEqual(spec, { distribution: "q_uniform", min: 0.1, max: 0.5, q: spec.q });
  const normal = withDistribution(field("dropout"), spec, "normal");
  assert.deepEqual(Object.keys(normal).sort(), ["distribution", "mu", "sigma"]);
});

test("text inputs: numbers parse, anything else stays text so the schema reports it", () => {
  assert.equal(parseScalar("1e-3", "number"), 0.001);
  assert.equal(parseScalar("abc", "number"), "abc");
  assert.equal(parseScalar("", "number"), undefined);
  assert.equal(parseScalar("true", "boolean"), true);
  assert.deepEqual(parseList("0.1, 0.2, x", "number"), [0.1, 0.2, "x"]);
  const r = parseSweepConfig({ method: "grid", parameters: { dropout: { values: parseList("0.1, 1.5", "number") } } });
  assert.ok(!r.ok);
  assert.deepEqual(issuesAt(r.issues, "parameters.dropout").map((i) => i.path), ["parameters.dropout.values.1"]);
});

test("an empty list item is an error on its field, not dropped; a trailing comma is still typing", () => {
  assert.deepEqual(parseList("0,,0.2", "number"), [0, "", 0.2]);
  assert.deepEqual(parseList("0, , 0.2", "number"), [0, "", 0.2]);
  assert.deepEqual(parseList("0, 0.2,", "number"), [0, 0.2]);
  assert.deepEqual(parseList("  ", "number"), []);
  const r = parseSweepConfig({ method: "grid", parameters: { dropout: { values: parseList("0,,0.2", "number") } } });
  assert.ok(!r.ok);
  const [issue] = issuesAt(r.issues, "parameters.dropout");
  assert.equal(issue.path, "parameters.dropout.values.1");
  assert.equal(issueLabel(issue, "parameters.dropout"), "value 2 is empty (two commas in a row?)");
});

test("values listed twice are warned about on their field, as the method treats them (the config's own warning)", () => {
  const doc = { method: "grid", parameters: { learning_rate: { values: [0.01, 0.01, 0.1] }, cell: { values: ["lstm", "gru", "lstm", "lstm"] }, dropout: { values: [0, 0.2] } } };
  const warned = (d: typeof doc) => {
    const r = parseSweepConfig(d);
    assert.ok(r.ok);
    return r.warnings.filter((w) => w.message.includes("listed more than once"));
  };
  assert.deepEqual(warned(doc).map((w) => w.path).sort(), ["parameters.cell.values", "parameters.learning_rate.values"]);
  assert.match(issuesAt(warned(doc), "parameters.learning_rate")[0].message, /^0\.01 is listed more than once: the grid runs each value once/);
  assert.match(warned({ ...doc, method: "random" })[0].message, /listed more than once, so random search draws it more often/);
  for (const p of PRESETS) {
    const r = parseSweepConfig(p.doc);
    assert.ok(r.ok);
    assert.deepEqual(r.warnings.filter((w) => w.message.includes("listed more than once")), [], p.id);
  }
});

test("adding a parameter fixes it at its default, enums included", () => {
  for (const key of ["task", "cell", "layernorm", "dropout"]) assert.deepEqual(specForMode(field(key), "value"), { value: field(key).default });
});

test("the preset box names a preset only while the document is that preset", () => {
  const p = PRESETS[0];
  assert.equal(presetOf(structuredClone(p.doc))?.id, p.id);
  // key order does not matter
  const reordered = Object.fromEntries(Object.entries(p.doc).reverse());
  assert.equal(presetOf(reordered)?.id, p.id);
  assert.equal(presetOf(setParam(p.doc, "dropout", { values: [0, 0.2] })), undefined);
  assert.equal(presetOf(setPath(p.doc, "method", "random")), undefined);
});

test("YAML syntax errors sit on the line to fix, in one sentence; issues are listed by line", () => {
  const unclosed = "method: grid\nparameters:\n  dropout:\n    values: [0, 0.2\n  learning_rate:\n    value: 0.01\n";
  const r = parseSweepConfigText(unclosed);
  assert.ok(!r.ok);
  assert.deepEqual(r.issues, [{ path: "", line: 4, message: 'not valid YAML or JSON: "[" is not closed: expected "]"' }]);
  const quote = parseSweepConfigText('name: "dropout\nmethod: grid\n');
  assert.ok(!quote.ok);
  assert.deepEqual(quote.issues.map((i) => [i.line, i.message]), [[1, 'not valid YAML or JSON: the " quote is not closed']]);
  const dup = parseSweepConfigText("method: grid\nmethod: random\n");
  assert.ok(!dup.ok);
  assert.deepEqual(dup.issues.map((i) => [i.line, i.message]), [[2, "not valid YAML or JSON: map keys must be unique"]]);
  for (const i of [...r.issues, ...quote.issues, ...dup.issues]) assert.doesNotMatch(i.message, /:$|at line/);

  const text = "method: grid\nmetric:\n  goal: up\n  name: val_loss\nparameters:\n  lr:\n    value: 1\n  dropout:\n    values: [0.1, 0.1, 2]\n";
  const parsed = parseSweepConfigText(text);
  assert.ok(!parsed.ok);
  const listed = issueLines(text, [...parsed.issues].reverse(), parsed.warnings);
  assert.deepEqual(
    listed.map((i) => [i.line, i.path, i.warning]),
    [
      [3, "metric.goal", false],
      [6, "parameters.lr", false],
      [9, "parameters.dropout.values.2", false],
      [9, "parameters.dropout.values", true],
    ],
  );
});

test("document edits: set and remove parameters and nested keys", () => {
  let doc = setParam({ method: "grid", parameters: {} }, "cell", { values: ["rnn"] });
  doc = setPath(doc, "metric.goal", "maximize");
  doc = setPath(doc, "run_cap", 5);
  assert.deepEqual(doc, { method: "grid", parameters: { cell: { values: ["rnn"] } }, metric: { goal: "maximize" }, run_cap: 5 });
  doc = setPath(doc, "run_cap", undefined);
  assert.equal("run_cap" in doc, false);
  assert.deepEqual(setParam(doc, "cell", undefined).parameters, {});
});

test("run estimate: grid size with its factors, run_cap, or unbounded", () => {
  const grid = parseSweepConfig(PRESETS[0].doc);
  assert.ok(grid.ok);
  assert.deepEqual(estimateRuns(grid.config), { kind: "grid", combinations: 9, replicates: 1, runs: 9, capped: false });
  assert.deepEqual(gridFactors(grid.config), [
    { key: "dropout", count: 3 },
    { key: "learning_rate", count: 3 },
  ]);
  const capped = parseSweepConfig({ ...PRESETS[0].doc, run_cap: 4, replicates: 2 });
  assert.ok(capped.ok);
  assert.deepEqual(estimateRuns(capped.config), { kind: "grid", combinations: 9, replicates: 2, runs: 4, capped: true });
  const random = parseSweepConfig({ method: "random", parameters: { dropout: { min: 0.0, max: 0.5 } } });
  assert.ok(random.ok);
  assert.deepEqual(estimateRuns(random.config), { kind: "unbounded" });
});

test("the YAML a form edit produces reads back to the same config", () => {
  for (const p of PRESETS) {
    const a = parseSweepConfig(p.doc);
    const b = parseSweepConfigText(docToYaml(p.doc));
    assert.ok(a.ok && b.ok);
    assert.deepEqual(b.config, a.config);
  }
});

test("issues: placed on fields, the rest listed; lines found in the text", () => {
  const issues = [
    { path: "parameters.dropout.max", message: "x" },
    { path: "", message: "y" },
    { path: "metric.goal", message: "z" },
    { path: "parameters.lr", message: "w" },
  ];
  assert.deepEqual(unplacedIssues(issues, ["metric", "parameters.dropout"]).map((i) => i.path), ["", "parameters.lr"]);
  const text = "method: grid\nparameters:\n  dropout:\n    values: [0.1, 2]\n  lr:\n    value: 1\n";
  assert.equal(lineOfPath(text, "parameters.dropout.values.1"), 4);
  assert.equal(lineOfPath(text, "parameters.lr"), 5);
  assert.equal(lineOfPath(text, "parameters.nope.max"), 2);
  assert.equal(lineOfPath("a: [", "a"), null);
});

test("unknown-parameter messages are short; the RunConfig key list is shown once", () => {
  const r = parseSweepConfig({ method: "grid", parameters: { epochs: { value: 3 }, lr: { value: 0.1 } } });
  assert.ok(!r.ok);
  assert.deepEqual(
    r.issues.map((i) => i.message),
    ['unknown parameter "epochs": not a RunConfig key (did you mean "steps"?)', 'unknown parameter "lr": not a RunConfig key (did you mean "learning_rate"?)'],
  );
  assert.match(unknownParameterKeyList(r.issues) ?? "", /^task, corpus, cell/);
  assert.equal(unknownParameterKeyList([{ path: "a", message: "b" }]), null);
});

test("a large sweep asks before launching: many runs, or a long wall time", () => {
  const time = (wallMs: number | null) => ({ runs: 9, totalMs: 0, longestRunMs: 0, parallel: 2, wallMs, upperBound: false });
  assert.equal(needsConfirmation({ kind: "grid", combinations: 9, replicates: 1, runs: 9, capped: false }, time(60_000)), false);
  assert.equal(needsConfirmation({ kind: "grid", combinations: 10_000, replicates: 1, runs: 10_000, capped: false }, time(60_000)), true);
  assert.equal(needsConfirmation({ kind: "cap", runs: 12 }, time(3 * 3600_000)), true);
  assert.equal(needsConfirmation({ kind: "unbounded" }, null), false);
  assert.equal(formatEstimate(20_000), "under a minute");
  assert.equal(formatEstimate(12.4 * 60_000), "about 12 min");
  assert.equal(formatEstimate(3.46 * 3600_000), "about 3.5 h");
  assert.equal(formatEstimate(30 * 3600_000), "about 30 h");
  assert.equal(formatEstimate(100 * 3600_000), "about 4 days");
  // early stopping may end runs sooner: a bound, never "at most about"
  assert.equal(formatEstimate(12.4 * 60_000, true), "at most 12 min");
  assert.equal(formatEstimate(20_000, true), "under a minute");
});

test("the README names every preset the form offers", () => {
  const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8").replace(/\s+/g, " ").toLowerCase();
  for (const p of PRESETS) assert.ok(readme.includes(`"${p.title.toLowerCase()}"`), `README lists "${p.title}"`);
});

test("choices in the form: an enum's options each with the keys that apply only under them; the form offers only keys that apply", () => {
  const optimizer = RUN_FIELDS.find((f) => f.key === "optimizer")!;
  const spec = specForMode(optimizer, "choices", { values: ["sgd", "momentum"] });
  assert.deepEqual(spec, { choices: { sgd: {}, momentum: { momentum: { value: 0.9 } } } });
  assert.equal(modeOf(spec), "choices");
  // momentum belongs under its choice, not beside a choices optimizer; nor beside a fixed adam
  assert.equal(appliesUnder("momentum", { optimizer: spec }), false);
  assert.equal(appliesUnder("momentum", { optimizer: { value: "adam" } }), false);
  assert.equal(appliesUnder("momentum", { optimizer: { values: ["adam", "momentum"] } }), true);
  // under a choice: only that choice's keys
  assert.equal(appliesUnder("momentum", { optimizer: "momentum" }), true);
  assert.equal(appliesUnder("momentum", { optimizer: "adam" }), false);
  assert.equal(appliesUnder("init_std", { optimizer: "adam" }), true);
  assert.equal(appliesUnder("learning_rate", { optimizer: spec }), true);
});

test("the sweep's project: set where it stands or first, valid by the project rule, and no part of which preset a document is", () => {
  const p = PRESETS[0];
  const doc = withProject(p.doc, "проект-試験");
  assert.equal(Object.keys(doc)[0], "project");
  assert.equal(docToYaml(doc).split("\n")[0], "project: проект-試験");
  assert.deepEqual(Object.keys(withProject(doc, "other")), Object.keys(doc));
  assert.equal(presetOf(doc)?.id, p.id);
  assert.ok(parseSweepConfig(doc).ok);
  const bad = parseSweepConfig(withProject(p.doc, "my project"));
  assert.deepEqual(!bad.ok && bad.issues, [{ path: "project", message: "a project name is 1–64 letters and digits of any script and . _ -" }]);
});

test("a new sweep like another drops its seed (new draws, not the same runs again) and is named a copy", () => {
  const original = { name: "lr search", method: "random", seed: 847412796, run_cap: 9, parameters: { learning_rate: { distribution: "log_uniform_values", min: 1e-4, max: 0.1 } } };
  const copy = copyOf(original, original.name);
  assert.deepEqual(copy, { name: "lr search (copy)", method: "random", run_cap: 9, parameters: original.parameters });
  assert.equal(original.seed, 847412796, "the original is left as it is");
  assert.equal("seed" in copyOf({ method: "grid" }, "g"), false);
});
