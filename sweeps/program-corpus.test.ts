import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { disconnectPrisma, getSweep, listLogs, listSweeps, sweepRuns } from "../prisma/store";
import { startRouteServer, type RouteServer } from "../app/_server/testdata/start-route-server";
import { corpusFiles } from "./reference/generate";
import { readSweepText } from "./config";
import { sharedData } from "./testdata/shared-data";

// The 30 real W&B sweep configs (shared/data/wandb-sweeps), each as W&B's own validator judged
// it (sweeps/reference/fixtures/wandb-schema.json, recorded from W&B's code): every one W&B
// accepts is swept here, two runs each — those with a `program` or `command` by
// `npm run sweep` running their command line through a stand-in for the program (and for the
// tools they launch it with: accelerate, icu-benchmarks …) that reads the arguments W&B's agent
// would pass and checks each against the run's values, as Python prints them; those with
// neither by the Python client's function agent. Those W&B rejects get a 400 naming a field.

const root = path.resolve(import.meta.dirname, "..");
const corpus = sharedData("wandb-sweeps");
const fixture = JSON.parse(fs.readFileSync(path.join(root, "sweeps/reference/fixtures/wandb-schema.json"), "utf8")) as {
  corpus: { file: string; sha256: string; wandb: { valid: boolean } }[];
};
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-wandb-corpus-"));
const dbUrl = `file:${path.join(dir, "corpus.db")}`;
process.env.DATABASE_URL = dbUrl;
const python = spawnSync("sh", ["-c", "command -v python3"], { encoding: "utf8" }).stdout.trim();
// (W&B rejects these for reasons Sweeplab reads otherwise on purpose: config.wandb.test.ts says why)
const DIVERGENT = new Set(["04", "05", "06", "09", "11", "16", "24"]);

const STANDIN = String.raw`
import ast, json, os, sys, zlib
config = json.loads(os.environ["SWEEPLAB_CONFIG"])
given = {}
for arg in sys.argv[1:]:
    body = arg[2:] if arg.startswith("--") else arg
    if "=" in body:
        key, value = body.split("=", 1)
        given[key] = value
    elif arg.startswith("--"):
        given[body] = "True"
    elif arg.startswith("{"):
        given.update({k: str(v) for k, v in json.loads(arg).items()})
    elif arg.endswith(".json") and os.path.exists(arg):
        given.update({k: str(v) for k, v in json.load(open(arg)).items()})
wrong = [f"{k}: got {given[k]!r}, the run's value prints {str(v)!r}" for k, v in config.items() if k in given and given[k] != str(v)]
missing = [k for k in config if k not in given and not (config[k] is False and os.environ.get("STANDIN_NO_FALSE"))]
if wrong or (os.environ.get("STANDIN_EXPECT_ARGS") and missing):
    print("stand-in: arguments do not match the run's values:", wrong, "missing:", missing, sys.argv[1:], file=sys.stderr)
    sys.exit(3)
print("stand-in read", len(config), "parameters")
seed = zlib.crc32(json.dumps(config, sort_keys=True).encode()) % 1000 / 1000
for step in range(3):
    print(json.dumps({os.environ["STANDIN_METRIC"]: seed + 1.0 / (step + 1), "_step": step}))
`;

let shims = "";
let srv: RouteServer | null = null;

before(async () => {
  shims = path.join(dir, "bin");
  fs.mkdirSync(shims);
  fs.writeFileSync(path.join(dir, "standin.py"), STANDIN);
  for (const tool of ["python3", "python", "accelerate", "wandb_allennlp", "icu-benchmarks"]) {
    fs.writeFileSync(path.join(shims, tool), `#!/bin/sh\nexec ${python} ${path.join(dir, "standin.py")} "$@"\n`, { mode: 0o755 });
  }
  srv = await startRouteServer({ DATABASE_URL: dbUrl, SWEEPLAB_DATA_DIR: dir, SWEEPLAB_CONCURRENCY: "0" });
});

after(async () => {
  if (process.env.DEBUG_SERVER) console.log(srv?.output());
  srv?.server.kill("SIGKILL");
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

const sha256 = (text: string) => crypto.createHash("sha256").update(text).digest("hex");
/** Two runs are enough to show a config is swept. */
const capped = (text: string) =>
  text.trimStart().startsWith("{") ? text.replace("{", '{"run_cap": 2, ') : /^run_cap:/m.test(text) ? text.replace(/^run_cap:.*$/m, "run_cap: 2") : `${text.trimEnd()}\nrun_cap: 2\n`;
/** The same config, made a function agent's (as the client's sweep() does). */
const forFunctionAgent = (text: string) => (text.trimStart().startsWith("{") ? capped(text).replace("{", '{"agent": "function", ') : `${capped(text)}agent: function\n`);

describe("the real W&B configs W&B accepts are swept; those it rejects are a 400 naming a field", { skip: "missing" in corpus ? corpus.missing : !python ? "no python3 here" : false }, () => {
  const files = "dir" in corpus ? corpusFiles(corpus.dir) : [];
  for (const file of files) {
    const id = file.slice(0, 2);
    const recorded = fixture.corpus.find((e) => e.file === file);
    it(file, async () => {
      const text = fs.readFileSync(path.join((corpus as { dir: string }).dir, file), "utf8");
      assert.ok(recorded && recorded.sha256 === sha256(text), `${file} is not the file W&B's verdict was recorded from`);
      const raw = (readSweepText(text) as { ok: true; data: Record<string, unknown> }).data;
      if (!recorded.wandb.valid) {
        if (DIVERGENT.has(id)) return;
        const res = await fetch(`${srv!.base}/api/sweeps`, { method: "POST", headers: { "content-type": "application/yaml" }, body: text });
        assert.equal(res.status, 400);
        const body = (await res.json()) as { error: string; issues: { path: string }[] };
        assert.ok(body.issues.length > 0 && body.issues[0].path !== undefined, body.error);
        return;
      }
      const metric = ((raw.metric as { name?: string } | undefined)?.name ?? "val_loss").replace(/\s/g, "_");
      const program = raw.program !== undefined || raw.command !== undefined;
      if (program) {
        // beside a sweep file in a folder of its own, one level down (`../main_supcon.py`)
        const work = path.join(dir, id, "sweep");
        fs.mkdirSync(work, { recursive: true });
        fs.writeFileSync(path.join(work, "sweep.yaml"), capped(text));
        const command = (raw.command as unknown[] | undefined)?.map(String) ?? ["${args}"];
        const result = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "sweeps", "cli.ts"), "sweep.yaml", "--concurrency", "2"], {
          cwd: root,
          env: {
            ...process.env,
            DATABASE_URL: dbUrl,
            SWEEPLAB_DATA_DIR: dir,
            INIT_CWD: work,
            PATH: `${shims}:${process.env.PATH}`,
            SWEEPLAB_PYTHON: path.join(shims, "python3"),
            STANDIN_METRIC: metric,
            ...(command.some((w) => /^\$\{args(_no_hyphens)?\}$/.test(w)) ? { STANDIN_EXPECT_ARGS: "1" } : {}),
            ...(command.includes("${args_no_boolean_flags}") ? { STANDIN_EXPECT_ARGS: "1", STANDIN_NO_FALSE: "1" } : {}),
          },
          encoding: "utf8",
          timeout: 120_000,
        });
        const sweep = (await listSweeps()).find((s) => s.rawConfig === capped(text));
        assert.ok(sweep, `${file}: no sweep stored\n${result.stderr}`);
        const runs = await sweepRuns(sweep.id);
        assert.ok(runs.length >= 1 && runs.length <= 2, `${file}: ${runs.length} runs`);
        for (const run of runs) {
          const logs = (await listLogs(run.id)).map((l) => l.message).join("\n");
          // (a config with early termination may prune a run: the stand-in's metric differs between runs)
          assert.ok(run.state === "finished" || (run.state === "pruned" && raw.early_terminate !== undefined), `${file}: run ${run.name} ${run.state}: ${run.error}\n${logs}`);
          assert.match(logs, /stand-in read \d+ parameters/);
          if (/^[A-Za-z0-9_][A-Za-z0-9_./@#%+\-:()[\]]*$/.test(metric)) assert.equal(run.summary[metric] !== undefined, true, `${file}: ${metric} not logged`);
        }
        assert.equal((await getSweep(sweep.id))?.state, "finished", result.stderr);
        return;
      }
      // neither program nor command: W&B's function agents; created by the client, run by its agent()
      const created = await fetch(`${srv!.base}/api/sweeps`, { method: "POST", headers: { "content-type": "application/yaml" }, body: forFunctionAgent(text) });
      assert.equal(created.status, 201, await created.clone().text());
      const { id: sweepId } = (await created.json()) as { id: string };
      const script = [
        "import sweeplab",
        "def train():",
        "    sweeplab.init()",
        "    print('function read', len(sweeplab.config.as_dict()), 'parameters', flush=True)",
        `    for step in range(3): sweeplab.log({${JSON.stringify(metric)}: 1.0 / (step + 1)})`,
        `sweeplab.agent(${JSON.stringify(sweepId)}, function=train, count=2)`,
      ].join("\n");
      const agent = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const p = spawn(python, ["-c", script], { env: { ...process.env, PYTHONPATH: path.join(root, "clients", "python"), SWEEPLAB_URL: srv!.base }, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        p.stdout.on("data", (d) => (out += d));
        p.stderr.on("data", (d) => (out += d));
        p.once("exit", (code) => resolve({ code, out }));
      });
      assert.equal(agent.code, 0, agent.out);
      const runs = await sweepRuns(sweepId);
      assert.ok(runs.length >= 1 && runs.length <= 2, `${file}: ${runs.length} runs\n${agent.out}`);
      for (const run of runs) {
        assert.equal(run.state, "finished", `${run.error}\n${agent.out}`);
        // every parameter of the sweep reached the function's config
        for (const key of Object.keys(run.params)) assert.ok(key in run.config, `${file}: ${key} missing from the run's config`);
      }
      assert.match(agent.out, /function read \d+ parameters/);
    });
  }
});
