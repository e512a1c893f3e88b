import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { AnyParamSpec, parseWandbSweepConfig, parseWandbSweepConfigText, readSweepText, type SweepParseResult } from "./config.ts";
import { askParam, askValidate, corpusFiles, sha256 } from "./reference/generate.ts";
import { fixture, LIVE_SKIP, liveWandb } from "./reference/live.ts";
import { ours, PARAM_CASES, SCHEMA_CASES, WANDB_TYPES, type SchemaCase } from "./reference/wandb-cases.ts";
import { sharedData } from "./testdata/shared-data.ts";

// W&B's schema tests (tests/test_schema.py, test_validation.py, test_config.py) and the 30
// real W&B configs of the shared corpus, read by our W&B-level parser (parameters free-named,
// nothing bound to our engine) and compared with W&B's own verdict
// (sweeps/reference/fixtures/wandb-schema.json, recomputed by sweeps/reference/generate.ts).
// Where we answer differently on purpose, the case says why and what we answer instead.

interface Verdict {
  valid: boolean;
  violations: string[];
}
interface SchemaFixture {
  provenance: { commit: string };
  cases: { id: string; wandb: Verdict }[];
  params: { id: string; wandb: { type?: string | null; spec?: Record<string, unknown>; raise?: string } }[];
  corpus: { file: string; sha256: string; wandb: Verdict }[];
}
const expected = fixture<SchemaFixture>("wandb-schema.json");

const ourVerdict = (c: SchemaCase): SweepParseResult => (c.text !== undefined ? parseWandbSweepConfigText(c.text) : parseWandbSweepConfig(ours(c.config)));
const said = (r: SweepParseResult) => JSON.stringify(r.ok ? r.warnings : r.issues);

function agrees(wandb: Verdict, mine: SweepParseResult, divergence: SchemaCase["divergence"], what: string) {
  if (!divergence) {
    assert.equal(mine.ok, wandb.valid, `${what}: W&B says ${wandb.valid ? "valid" : `invalid (${wandb.violations.join(" | ")})`}, ours ${said(mine)}`);
    if (!mine.ok) assert.ok(mine.issues.every((i) => i.message.length > 0));
    return;
  }
  assert.ok(divergence.expect === "invalid" ? !mine.ok : mine.ok, `${what}: expected ${divergence.expect} (${divergence.why}); ours ${said(mine)}`);
  const texts = (mine.ok ? mine.warnings : mine.issues).map((i) => `${i.path} ${i.message}`);
  if (divergence.expect === "warning") assert.ok(mine.warnings.length > 0, `${what}: no warning`);
  if (divergence.mentions) assert.ok(texts.some((t) => t.includes(divergence.mentions)), `${what}: nothing mentions "${divergence.mentions}": ${texts.join(" | ")}`);
}

for (const c of SCHEMA_CASES) {
  test(`W&B schema: ${c.id} (${c.from})`, () => {
    const wandb = expected.cases.find((e) => e.id === c.id)?.wandb;
    assert.ok(wandb, `no fixture for ${c.id}: run sweeps/reference/generate.ts`);
    agrees(wandb, ourVerdict(c), c.divergence, c.id);
  });
}

/** Our reading of one W&B parameter spec written as YAML (the int-vs-float of its bounds kept). */
function ourParam(yaml: string) {
  const read = readSweepText(`method: random\nparameters:\n  a: ${yaml}\n`);
  assert.ok(read.ok);
  return AnyParamSpec.safeParse((read.data as { parameters: { a: unknown } }).parameters.a);
}

for (const c of PARAM_CASES) {
  test(`W&B parameter inference: ${c.id} (${c.from})`, () => {
    const wandb = expected.params.find((e) => e.id === c.id)!.wandb;
    const mine = ourParam(c.yaml);
    if (!wandb.type) {
      assert.equal(mine.success, false, `W&B refuses ${c.yaml} (${wandb.raise ?? "no type"}); ours read it`);
      return;
    }
    assert.ok(mine.success, `W&B reads ${c.yaml} as ${wandb.type}; ours refused it`);
    assert.equal(mine.data.distribution, WANDB_TYPES[wandb.type]);
    assert.deepEqual(mine.data, ours(wandb.spec), "the same defaults filled in");
  });
}

// The real configs: W&B reads files with PyYAML (YAML 1.1); we read YAML 1.2, where 1e-5 is a
// number, not a string. Those and W&B's deprecation violations are the only differences.
const CORPUS_DIVERGENCES: Record<string, NonNullable<SchemaCase["divergence"]>> = {
  "04": { why: "PyYAML reads `min: 9e-6` as a string, so W&B rejects lr; YAML 1.2 reads a number", expect: "valid", mentions: "" },
  "05": { why: "PyYAML reads `min: 1e-5` as a string, so W&B rejects lr0; YAML 1.2 reads a number", expect: "valid", mentions: "" },
  "06": { why: "log_uniform is among W&B's violations, printed as a warning by the wandb CLI", expect: "warning", mentions: "log_uniform_values" },
  "09": { why: "log_uniform is among W&B's violations, printed as a warning by the wandb CLI", expect: "warning", mentions: "log_uniform_values" },
  "11": { why: "log_uniform is among W&B's violations, printed as a warning by the wandb CLI", expect: "warning", mentions: "log_uniform_values" },
  "16": { why: "log_uniform is among W&B's violations, printed as a warning by the wandb CLI", expect: "warning", mentions: "log_uniform_values" },
  "24": { why: "PyYAML reads `min: 5e-5` as a string and W&B fails comparing it with max: 1; YAML 1.2 reads numbers", expect: "valid", mentions: "" },
};

const corpus = sharedData("wandb-sweeps");

test("W&B's verdict on the 30 real configs of the corpus, file by file", (t) => {
  if ("missing" in corpus) return t.skip(`the real W&B configs are not here: ${corpus.missing}`);
  const files = corpusFiles(corpus.dir);
  assert.equal(files.length, expected.corpus.length, "the corpus and the fixture list the same files");
  for (const file of files) {
    const text = fs.readFileSync(path.join(corpus.dir, file), "utf8");
    const recorded = expected.corpus.find((e) => e.file === file);
    assert.ok(recorded && recorded.sha256 === sha256(text), `${file} is not the file the fixture was made from`);
    agrees(recorded.wandb, parseWandbSweepConfigText(text), CORPUS_DIVERGENCES[file.slice(0, 2)], file);
  }
});

test("live: W&B's validation still answers as recorded", async (t) => {
  const open = await liveWandb();
  if (!open.ok) return t.skip(LIVE_SKIP(open.reason));
  for (const c of SCHEMA_CASES) {
    const live = await askValidate(open.wandb, c);
    assert.equal(live.valid, expected.cases.find((e) => e.id === c.id)!.wandb.valid, `${c.id}: W&B now answers differently: rerun sweeps/reference/generate.ts`);
    agrees({ valid: live.valid, violations: live.violations ?? [] }, ourVerdict(c), c.divergence, c.id);
  }
  for (const c of PARAM_CASES) assert.deepEqual(await askParam(open.wandb, c), expected.params.find((e) => e.id === c.id)!.wandb, c.id);
});
