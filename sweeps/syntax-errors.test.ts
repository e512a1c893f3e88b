import assert from "node:assert/strict";
import { test } from "node:test";
import { readSweepText } from "./config.ts";

const problems = (text: string) => {
  const r = readSweepText(text);
  assert.ok(!r.ok, "a syntax error");
  return r.issues.map((i) => [i.line, i.message.replace("not valid YAML or JSON: ", "")]);
};

test("an unclosed bracket or quote is reported once, on the line that opens it", () => {
  // the parser notices on the next line (or at the end); the line to fix is where "[" opens
  assert.deepEqual(problems("method: grid\nparameters:\n  dropout:\n    values: [0, 0.2\n"), [[4, '"[" is not closed: expected "]"']]);
  assert.deepEqual(problems("parameters:\n  dropout: {values: [0, 0.2]\n  lr:\n    value: 1\n"), [[2, '"{" is not closed: expected "}"']]);
  assert.deepEqual(problems("name: 'x\nmethod: grid\n"), [[1, "the ' quote is not closed"]]);
  // JSON with the wrong closer: one problem where the list opens, not a second one at the end
  assert.deepEqual(problems('{"method": "grid",\n "parameters": {\n  "dropout": {"values": [0, 0.2}\n }\n}\n'), [[3, '"[" is closed by "}": expected "]"']]);
  assert.deepEqual(problems('{"method": "grid",\n "parameters": {}\n'), [[1, '"{" is not closed: expected "}"']]);
});

test("other syntax errors keep the parser's line, without its position suffix", () => {
  assert.deepEqual(problems("method: grid\nparameters:\n\tdropout: 1\n"), [[3, "tabs are not allowed as indentation"]]);
  assert.deepEqual(problems("parameters:\n  dropout:\n    values: [0]\n   lr: 1\n"), [[4, "all mapping items must start at the same column"]]);
  assert.deepEqual(problems("method: grid\nmethod: random\n"), [[2, "map keys must be unique"]]);
});
