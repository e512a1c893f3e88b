import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSweepConfig, parseWandbSweepConfig, sweepSize, valueKey } from "../config.ts";
import { askGrid } from "../reference/generate.ts";
import { fixture, LIVE_SKIP, liveWandb } from "../reference/live.ts";
import { GRID_CASES, ours, YAML_HASH_CASE, type GridCase } from "../reference/wandb-cases.ts";
import { nextGridPoint } from "./grid.ts";
import { proposeNext, type Trial } from "./index.ts";

// W&B's grid tests (tests/test_grid_search.py), each case run by our grid and compared with
// what W&B's grid_search_next_runs answered (sweeps/reference/fixtures/wandb-grid.json,
// recomputed by sweeps/reference/generate.ts); live against W&B when it can run here.

interface GridFixture {
  provenance: { commit: string };
  cases: { id: string; wandb: { suggestions: Record<string, unknown>[] } }[];
  yamlHash: { equal: boolean };
}
const expected = fixture<GridFixture>("wandb-grid.json");

/** Every point our grid proposes after the case's runs, in order, until it is exhausted. */
function ourSuggestions(c: GridCase): Record<string, unknown>[] {
  const parsed = parseWandbSweepConfig(ours(c.config));
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.issues));
  const seen = (c.runs ?? []).map((r) => ours(r) as Record<string, unknown>);
  const out: Record<string, unknown>[] = [];
  for (let next = nextGridPoint(parsed.config.parameters, seen); next; next = nextGridPoint(parsed.config.parameters, seen)) {
    out.push(next);
    seen.push(next);
  }
  return out;
}

const canonical = (points: Record<string, unknown>[]) => points.map((p) => valueKey(p));

for (const c of GRID_CASES) {
  test(`W&B grid: ${c.id} (${c.from})`, () => {
    const wandb = expected.cases.find((e) => e.id === c.id);
    assert.ok(wandb, `no fixture for ${c.id}: run sweeps/reference/generate.ts`);
    const mine = ourSuggestions(c);
    const theirs = wandb.wandb.suggestions.map((p) => ours(p) as Record<string, unknown>);
    if (c.ordered) assert.deepEqual(canonical(mine), canonical(theirs));
    else assert.deepEqual(canonical(mine).sort(), canonical(theirs).sort());
  });
}

test("W&B grid: 3000000 and 3000000.0 are one value (tests/test_grid_search.py::test_yaml_hash_float)", () => {
  assert.equal(expected.yamlHash.equal, true);
  const [a, b] = YAML_HASH_CASE.values.map(ours);
  assert.equal(valueKey(a), valueKey(b));
  assert.notEqual(valueKey(true), valueKey(1), "but true and 1 are two");
  assert.equal(valueKey({ a: 1, b: 2 }), valueKey({ b: 2, a: 1 }), "mappings whatever their key order");
});

test("engine sweeps: [rnn, lstm, gru, rnn] × 3 sizes is 9 runs, and the q_uniform grid is numpy.arange (issue 12)", () => {
  const dedup = parseSweepConfig({ method: "grid", parameters: { cell: { values: ["rnn", "lstm", "gru", "rnn"] }, hidden_size: { values: [32, 64, 128] } } });
  assert.ok(dedup.ok);
  assert.equal(sweepSize(dedup.config), 9);
  assert.match(dedup.warnings.find((w) => w.path === "parameters.cell.values")?.message ?? "", /"rnn" is listed more than once: the grid runs each value once/);
  const trials: Trial[] = [];
  for (let p = proposeNext(dedup.config, trials); !p.done; p = proposeNext(dedup.config, trials)) trials.push({ params: p.params, state: "finished", value: 1 });
  assert.equal(trials.length, 9);
  assert.equal(new Set(trials.map((t) => `${t.params.cell}/${t.params.hidden_size}`)).size, 9);
  assert.deepEqual(proposeNext(dedup.config, trials), { done: true, reason: "grid exhausted (9 configurations)" });

  const q = parseSweepConfig({ method: "grid", parameters: { dropout: { distribution: "q_uniform", min: 0.04, max: 0.26, q: 0.1 } } });
  assert.ok(q.ok);
  const fromWandb = expected.cases.find((e) => e.id === "q-uniform-issue-12")!.wandb.suggestions.map((s) => s.dropout);
  const mine: unknown[] = [];
  const seen: Trial[] = [];
  for (let p = proposeNext(q.config, seen); !p.done; p = proposeNext(q.config, seen)) {
    mine.push(p.params.dropout);
    seen.push({ params: p.params, state: "finished", value: 1 });
  }
  assert.deepEqual(mine, fromWandb);
  assert.deepEqual(mine, [0.04, 0.14, 0.24000000000000002]);
});

test("live: W&B's grid still answers as recorded, and as ours", async (t) => {
  const open = await liveWandb();
  if (!open.ok) return t.skip(LIVE_SKIP(open.reason));
  for (const c of GRID_CASES) {
    const live: Record<string, unknown>[] = (await askGrid(open.wandb, c)).suggestions;
    const recorded = expected.cases.find((e) => e.id === c.id)!.wandb.suggestions;
    assert.deepEqual(live, recorded, `${c.id}: W&B now answers differently from the fixture (${expected.provenance.commit.slice(0, 8)}): rerun sweeps/reference/generate.ts`);
    assert.deepEqual(canonical(ourSuggestions(c)), canonical(live.map((p) => ours(p) as Record<string, unknown>)), c.id);
  }
});
