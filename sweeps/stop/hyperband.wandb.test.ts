import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { parseWandbSweepConfig, type HyperbandStop, type SweepConfig } from "../config.ts";
import { askStop, readReplayData, replay, sha256 } from "../reference/generate.ts";
import { fixture, LIVE_SKIP, liveWandb } from "../reference/live.ts";
import { wandbTestFile } from "../reference/wandb.ts";
import { ours, REPLAY_CASES, REPLAY_DATA, STOP_CASES, type StopRun } from "../reference/wandb-cases.ts";
import { sharedData } from "../testdata/shared-data.ts";
import { hyperbandBrackets, shouldStop } from "./index.ts";

// W&B's hyperband tests (tests/test_hyperband_stopping.py), including the 116-run replays of
// tests/data/hyper-data.yaml, run by our stopping rule and compared with what W&B's
// hyperband_stop_runs answered (sweeps/reference/fixtures/wandb-hyperband.json, recomputed by
// sweeps/reference/generate.ts); live against W&B when it can run here.

interface HyperbandFixture {
  provenance: { commit: string };
  data: { file: string; sha256: string; runs: number };
  cases: { id: string; wandb: { stop: string[]; bands: number[] } }[];
  replays: { id: string; wandb: { stages: string[][]; total: number } }[];
}
const expected = fixture<HyperbandFixture>("wandb-hyperband.json");

function config(input: unknown): SweepConfig {
  const parsed = parseWandbSweepConfig(ours(input));
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.issues));
  return parsed.config;
}

/** W&B's stop_runs, with our rule: every running run asked against all the others. */
function ourStops(c: SweepConfig, runs: readonly StopRun[]): string[] {
  const values = (r: StopRun) => r.history.map((v) => (v === "NaN" ? NaN : v));
  return runs
    .filter((r) => r.state === "running")
    .filter((r) => shouldStop(c, values(r), runs.filter((o) => o !== r).map(values)).stop)
    .map((r) => r.name);
}

for (const c of STOP_CASES) {
  test(`W&B hyperband: ${c.id} (${c.from})`, () => {
    const wandb = expected.cases.find((e) => e.id === c.id)!.wandb;
    const parsed = config(c.config);
    assert.deepEqual(ourStops(parsed, c.runs), wandb.stop);
    assert.deepEqual(hyperbandBrackets(parsed.early_terminate as HyperbandStop).slice(0, wandb.bands.length), wandb.bands);
  });
}

test("the docstring example with strict omitted: W&B's default is strict (wandb/sweeps#108)", () => {
  const strict = config(STOP_CASES.find((c) => c.id === "5runs-band1-stop-2")!.config);
  assert.equal((strict.early_terminate as HyperbandStop).strict, true);
});

// W&B's data file: from the shared data folder, else from W&B's own repository where it is here
const data = sharedData("wandb-sweeps-tests");
const source = "dir" in data ? { file: path.join(data.dir, REPLAY_DATA) } : wandbTestFile(path.join("data", REPLAY_DATA));
const missing = "reason" in source ? `${"missing" in data ? `${data.missing}; ` : ""}${source.reason}` : fs.existsSync(source.file) ? null : `${source.file} is absent`;

for (const r of REPLAY_CASES) {
  test(`W&B hyperband replay of the 116 runs: ${r.id} (${r.from})`, async (t) => {
    if (missing !== null || !("file" in source)) return t.skip(`W&B's ${expected.data.file} is not here: ${missing}`);
    const dataFile = source.file;
    const text = fs.readFileSync(dataFile, "utf8");
    assert.equal(sha256(text), expected.data.sha256, `${dataFile} is not the file the fixture was made from`);
    const histories = readReplayData(text);
    assert.equal(histories.length, 116);
    const c = config(r.config);
    const stages = await replay(r, histories, (runs) => ourStops(c, runs));
    const wandb = expected.replays.find((e) => e.id === r.id)!.wandb;
    assert.deepEqual(stages, wandb.stages, `stopped per stage: ours ${stages.map((s) => s.length)} vs W&B ${wandb.stages.map((s) => s.length)}`);
  });
}

test("live: W&B's hyperband still answers as recorded, and as ours", async (t) => {
  const open = await liveWandb();
  if (!open.ok) return t.skip(LIVE_SKIP(open.reason));
  for (const c of STOP_CASES) {
    const live = await askStop(open.wandb, c);
    assert.deepEqual(live.stop, expected.cases.find((e) => e.id === c.id)!.wandb.stop, `${c.id}: W&B now answers differently from the fixture: rerun sweeps/reference/generate.ts`);
    assert.deepEqual(ourStops(config(c.config), c.runs), live.stop, c.id);
  }
  const replayFile = wandbTestFile(path.join("data", REPLAY_DATA));
  if (!("file" in replayFile)) return t.diagnostic(`the live replay is not run: ${replayFile.reason}`);
  const histories = readReplayData(fs.readFileSync(replayFile.file, "utf8"));
  const r = REPLAY_CASES.find((x) => x.id === "extensive-strict-omitted")!;
  const live = await replay(r, histories, async (runs) => (await open.wandb.call<{ stop: string[] }>("stop", { config: r.config, runs })).stop);
  const c = config(r.config);
  assert.deepEqual(await replay(r, histories, (runs) => ourStops(c, runs)), live);
});
