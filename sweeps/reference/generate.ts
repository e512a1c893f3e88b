// Recompute the expected values of the W&B-parity tests with W&B's own engine and write them
// to sweeps/reference/fixtures/ with their provenance. Run when W&B's engine moves:
//   npx tsx sweeps/reference/generate.ts
// (needs what openWandb() needs: the mirror or WANDB_SWEEPS_SRC, and Python with numpy,
// scipy, scikit-learn, PyYAML, jsonschema). The tests read these files; the *.wandb.test.ts
// files also run W&B live when it is present and check it still answers the same.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { sharedData } from "../testdata/shared-data.ts";
import { median } from "../stats.ts";
import { PROBLEMS, runWandb } from "./bayes-problems.ts";
import { CHARLM_FIXED, CHARLM_PARAMETERS, CHARLM_RUNS, CHARLM_SEEDS, charlmSequence, twoAtATime } from "./charlm-sweep.ts";
import { openWandb, type Wandb } from "./wandb.ts";
import { GRID_CASES, PARAM_CASES, permutation, REPLAY_CASES, REPLAY_DATA, SCHEMA_CASES, STOP_CASES, YAML_HASH_CASE, type ReplayCase } from "./wandb-cases.ts";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.join(HERE, "fixtures");

export const sha256 = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");

export interface Provenance {
  generator: string;
  reference: string;
  commit: string;
  functions: string[];
  python: string;
  packages: string;
  shims: string[];
  generatedAt: string;
}

function provenance(wandb: Wandb, functions: string[]): Provenance {
  const i = wandb.info;
  return {
    generator: "sweeps/reference/generate.ts (driver: sweeps/reference/wandb_driver.py)",
    reference: `github.com/wandb/sweeps ${i.version}`,
    commit: i.commit,
    functions,
    python: i.python,
    packages: `numpy ${i.numpy}, scikit-learn ${i.sklearn}`,
    shims: i.shims,
    generatedAt: new Date().toISOString().slice(0, 10),
  };
}

// ---- the questions, shared by the generator and the live tests ------------------------------

export function askGrid(wandb: Wandb, c: (typeof GRID_CASES)[number]) {
  return wandb.call<{ suggestions: Record<string, unknown>[] }>("grid", { config: c.config, runs: c.runs ?? [] });
}

export function askStop(wandb: Wandb, c: (typeof STOP_CASES)[number]) {
  return wandb.call<{ stop: string[]; bands: number[]; thresholds: (number | string)[] }>("stop", { config: c.config, runs: c.runs });
}

/** The 116 histories of W&B's tests/data/hyper-data.yaml. */
export function readReplayData(text: string): number[][] {
  const data = parse(text) as { data: { metric: number }[][] };
  return data.data.map((run) => run.map((p) => p.metric));
}

/** Run one replay through `stopRuns` (W&B's or ours): the names stopped at each stage. */
export async function replay(c: ReplayCase, histories: number[][], stopRuns: (runs: { name: string; state: "running"; history: number[] }[]) => Promise<string[]> | string[]): Promise<string[][]> {
  const order = c.shuffle === null ? histories.map((_, i) => i) : permutation(histories.length, c.shuffle);
  const stopped = new Set<string>();
  const stages: string[][] = [];
  for (const cut of c.stages) {
    const runs = order.filter((i) => !stopped.has(String(i))).map((i) => ({ name: String(i), state: "running" as const, history: histories[i].slice(0, cut === Infinity ? undefined : cut) }));
    const now = await stopRuns(runs);
    for (const n of now) stopped.add(n);
    stages.push(now);
  }
  return stages;
}

export function askValidate(wandb: Wandb, c: (typeof SCHEMA_CASES)[number]) {
  return wandb.call<{ valid: boolean; violations?: string[]; violations_raise?: string; error?: string }>("validate", c.text !== undefined ? { text: c.text } : { config: c.config });
}

export function askParam(wandb: Wandb, c: (typeof PARAM_CASES)[number]) {
  return wandb.call<{ type?: string | null; spec?: Record<string, unknown>; raise?: string }>("fill_parameter", { name: "a", yaml: c.yaml });
}

export function corpusFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort();
}

const verdict = (r: { valid: boolean; violations?: string[]; violations_raise?: string }) => ({ valid: r.valid, violations: r.violations ?? [r.violations_raise ?? ""] });

async function main() {
  const opened = await openWandb();
  if (!opened.ok) {
    console.error(`cannot run W&B's engine: ${opened.reason}`);
    process.exit(1);
  }
  const { wandb } = opened;
  fs.mkdirSync(FIXTURES, { recursive: true });
  const write = (name: string, body: unknown) => {
    fs.writeFileSync(path.join(FIXTURES, name), JSON.stringify(body, null, 1) + "\n");
    console.log(`wrote ${path.relative(process.cwd(), path.join(FIXTURES, name))}`);
  };

  // grid
  const grid = [];
  for (const c of GRID_CASES) grid.push({ id: c.id, from: c.from, wandb: await askGrid(wandb, c) });
  const hashes = await wandb.call<{ hashes: string[] }>("yaml_hash", { values: YAML_HASH_CASE.values });
  write("wandb-grid.json", {
    provenance: provenance(wandb, ["sweeps.run.next_run → sweeps.grid_search.grid_search_next_runs (until it returns None)", "sweeps.grid_search.yaml_hash"]),
    cases: grid,
    yamlHash: { from: YAML_HASH_CASE.from, equal: new Set(hashes.hashes).size === 1 },
  });

  // hyperband
  const stops = [];
  for (const c of STOP_CASES) {
    const r = await askStop(wandb, c);
    stops.push({ id: c.id, from: c.from, wandb: { stop: r.stop, bands: r.bands.slice(0, 12), thresholds: r.thresholds.slice(0, 12) } });
  }
  if (!wandb.info.root) throw new Error("W&B's tests/data is needed for the replays: export from the mirror (unset WANDB_SWEEPS_SRC)");
  const dataText = fs.readFileSync(path.join(wandb.info.root, "tests", "data", REPLAY_DATA), "utf8");
  const histories = readReplayData(dataText);
  const replays = [];
  for (const c of REPLAY_CASES) {
    const stages = await replay(c, histories, async (runs) => (await wandb.call<{ stop: string[] }>("stop", { config: c.config, runs })).stop);
    replays.push({ id: c.id, from: c.from, wandb: { stages, total: stages.flat().length } });
  }
  write("wandb-hyperband.json", {
    provenance: provenance(wandb, ["sweeps.run.stop_runs → sweeps.hyperband_stopping.hyperband_stop_runs"]),
    data: { file: `tests/data/${REPLAY_DATA}`, sha256: sha256(dataText), runs: histories.length },
    cases: stops,
    replays,
  });

  // schema
  const schema = [];
  for (const c of SCHEMA_CASES) schema.push({ id: c.id, from: c.from, wandb: verdict(await askValidate(wandb, c)) });
  const params = [];
  for (const c of PARAM_CASES) params.push({ id: c.id, from: c.from, wandb: await askParam(wandb, c) });
  const corpus = [];
  const found = sharedData("wandb-sweeps");
  if ("dir" in found) {
    for (const file of corpusFiles(found.dir)) {
      const text = fs.readFileSync(path.join(found.dir, file), "utf8");
      const r = await wandb.call<{ valid: boolean; violations?: string[]; violations_raise?: string }>("validate", { text });
      corpus.push({ file, sha256: sha256(text), wandb: verdict(r) });
    }
  } else console.warn(`corpus skipped: ${found.missing}`);
  write("wandb-schema.json", {
    provenance: provenance(wandb, [
      "sweeps.config.schema_violations_from_proposed_config",
      "sweeps.config.SweepConfig (valid = constructs without error)",
      "sweeps.config.fill_parameter",
      "PyYAML yaml.safe_load (as the wandb CLI reads a sweep file) for text cases and the corpus",
    ]),
    cases: schema,
    params,
    corpus,
  });
  // bayes: W&B's figures on its own test problems, for `npm run bench -- search` where W&B cannot run
  if (!process.argv.includes("--no-bayes")) {
    const seeds = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const budget = 30;
    const problems = [];
    for (const p of PROBLEMS) {
      const started = performance.now();
      const regrets: number[] = [];
      for (const seed of seeds) regrets.push((await runWandb(wandb, p, seed, budget)).at(-1)!);
      problems.push({ id: p.id, from: p.from, regrets, median: median(regrets), msPerProposal: Math.round((performance.now() - started) / (seeds.length * budget)) });
      console.log(`  W&B bayes on ${p.id}: median regret ${median(regrets).toExponential(2)}`);
    }
    write("wandb-bayes.json", {
      provenance: provenance(wandb, ["sweeps.bayes_search.bayes_search_next_run (numpy's RNG seeded with the seed before the first proposal)"]),
      budget,
      seeds,
      problems,
    });
  }
  // charlm: W&B's bayes on a real sweep (CHARLM_SEEDS × CHARLM_RUNS runs, ~1 min)
  if (!process.argv.includes("--no-charlm")) {
    const bests = await twoAtATime(CHARLM_SEEDS.map((seed) => () => charlmSequence("wandb", seed, wandb)));
    console.log(`  W&B bayes on charlm: best val_loss ${bests.map((b) => b.toFixed(4)).join(", ")}`);
    write("wandb-charlm.json", {
      provenance: provenance(wandb, ["sweeps.bayes_search.bayes_search_next_run, each run trained by Sweeplab's worker (sweeps/reference/charlm-sweep.ts)"]),
      parameters: CHARLM_PARAMETERS,
      fixed: CHARLM_FIXED,
      runs: CHARLM_RUNS,
      seeds: CHARLM_SEEDS,
      bests,
    });
  }
  wandb.close();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main();
