import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { disconnectPrisma, getSweep, listLogs, readPoints, sweepRuns } from "../prisma/store";
import { startRouteServer, type RouteServer } from "../app/_server/testdata/start-route-server";
import { DEFAULT_WANDB_GIT } from "./reference/wandb";

// W&B's own example sweeps (wandb/sweeps, examples/), as a W&B user runs them: the sweep file
// is created on the server (`wandb sweep`), and an agent started in the example's folder
// (`wandb agent`) runs W&B's example programs unchanged — `import wandb` finds the Python
// client (a one-line alias module), argparse reads the arguments W&B's agent passes, and
// wandb.init / wandb.config / wandb.log land in the run. Two runs each (run_cap), and the
// examples' sleeps shortened; nothing else of W&B's files is changed. Skips without a git
// mirror of wandb/sweeps (WANDB_SWEEPS_GIT, default the one the project's tools fetch).

const root = path.resolve(import.meta.dirname, "..");
const gitDir = process.env.WANDB_SWEEPS_GIT ?? DEFAULT_WANDB_GIT;
const python = spawnSync("sh", ["-c", "command -v python3"], { encoding: "utf8" }).stdout.trim();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-wandb-examples-"));
const dbUrl = `file:${path.join(dir, "examples.db")}`;
process.env.DATABASE_URL = dbUrl;
const TOKEN = "wandb-examples-agent-token";
const skip = !fs.existsSync(gitDir) ? `no W&B sweeps mirror at ${gitDir} (WANDB_SWEEPS_GIT)` : !python ? "no python3 here" : false;

const EXAMPLES = [
  { file: "examples/sweep-grid.yaml", metric: "loss_metric" },
  { file: "examples/sweep-bayes.yaml", metric: "loss_metric" },
  { file: "examples/local-controller/sweep-local-bayes.yaml", metric: "loss_metric" },
  { file: "examples/local-controller/sweep-local-hyperband.yaml", metric: "loss_metric" },
  { file: "examples/nested-params/sweep-nested-cli.yaml", metric: "loss" },
  { file: "examples/launch/sweep-launch-jobs.yaml", metric: "loss_metric" },
];

let srv: RouteServer | null = null;
const examples = path.join(dir, "wandb-sweeps");
const alias = path.join(dir, "alias");

before(async () => {
  if (skip) return;
  fs.mkdirSync(examples);
  const tar = execFileSync("git", ["--git-dir", gitDir, "archive", "--format=tar", "HEAD", "examples"], { maxBuffer: 64 * 1024 * 1024 });
  execFileSync("tar", ["-x", "-C", examples], { input: tar });
  // `import wandb` is the Python client, as `import sweeplab as wandb` would make it
  fs.mkdirSync(path.join(alias, "wandb"), { recursive: true });
  fs.writeFileSync(path.join(alias, "wandb", "__init__.py"), "import sys, sweeplab\nsys.modules[__name__] = sweeplab\n");
  srv = await startRouteServer({ DATABASE_URL: dbUrl, SWEEPLAB_DATA_DIR: dir, SWEEPLAB_AGENT_TOKEN: TOKEN, SWEEPLAB_CONCURRENCY: "0" });
});

after(async () => {
  srv?.server.kill("SIGKILL");
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Two runs, and the examples' sleeps (0.5–2 s an epoch) cut to 0.01 s. */
const shortened = (text: string) => `${text.replace(/(\n  sleep:\n    value: )[\d.]+/, "$10.01").trimEnd()}\nrun_cap: 2\n`;

describe("W&B's example sweeps, their programs unchanged, through an agent", { skip }, () => {
  for (const example of EXAMPLES) {
    it(example.file, async () => {
      const file = path.join(examples, example.file);
      const created = await fetch(`${srv!.base}/api/sweeps`, { method: "POST", headers: { "content-type": "application/yaml" }, body: shortened(fs.readFileSync(file, "utf8")) });
      assert.equal(created.status, 201, await created.clone().text());
      const { id } = (await created.json()) as { id: string };
      const agent = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const p = spawn(process.execPath, ["--import", "tsx", path.join(root, "sweeps", "agent-cli.ts"), "--server", srv!.base, "--token", TOKEN, "--sweep", id, "--concurrency", "2", "--name", `examples-${id}`], {
          cwd: root,
          env: { ...process.env, INIT_CWD: path.dirname(file), PYTHONPATH: `${alias}:${path.join(root, "clients", "python")}`, SWEEPLAB_PYTHON: python },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        p.stdout.on("data", (d) => (out += d));
        p.stderr.on("data", (d) => (out += d));
        p.once("exit", (code) => resolve({ code, out }));
      });
      assert.equal(agent.code, 0, agent.out);
      const runs = await sweepRuns(id);
      assert.equal(runs.length, 2, agent.out);
      for (const run of runs) {
        const logs = (await listLogs(run.id)).map((l) => l.message).join("\n");
        assert.ok(["finished", "pruned"].includes(run.state), `${run.name} ${run.state}: ${run.error}\n${logs}`);
        // W&B's program printed its config and logged its metric through wandb.log
        assert.match(logs, /wandb\.config: /);
        const points = await readPoints(run.id, example.metric);
        assert.ok(points.length >= 1, `${example.metric} not logged:\n${logs}`);
        assert.equal(run.summary[example.metric], points.at(-1)!.value);
      }
      assert.equal((await getSweep(id))?.state, "finished");
    });
  }
});
