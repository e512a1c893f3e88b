import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { disconnectPrisma, getSweep, listLogs, listSweeps, readPoints, sweepRuns } from "../prisma/store";
import { nestConfig, onTerminalLines, programArgv, programLine, pythonStr, terminalLine } from "./program";
import { PassThrough } from "node:stream";
import { parseSweepConfigText } from "./config";
import { startRouteServer } from "../app/_server/testdata/start-route-server";

// Sweeps of a user's own program (W&B's `program` / `command`): the command line W&B's agent
// would build, the program's stdout read as metrics, and `npm run sweep -- sweep.yaml` as a real
// process running real Python and Node programs beside the sweep file, against a real SQLite
// file: runs finish, fail with the program's exit code, crash when killed, and hyperband
// prunes a program (SIGTERM to it, the run ends pruned).

const root = path.resolve(import.meta.dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-program-"));
const dbUrl = `file:${path.join(dir, "program.db")}`;
process.env.DATABASE_URL = dbUrl;
const env = { ...process.env, DATABASE_URL: dbUrl, SWEEPLAB_DATA_DIR: dir };
const python = process.env.SWEEPLAB_PYTHON || "python3";
const hasPython = spawnSync(python, ["-c", "print(1)"]).status === 0;

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

function sweep(file: string, ...extra: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", path.join(root, "sweeps", "cli.ts"), file, "--concurrency", "2", ...extra], { env, encoding: "utf8", cwd: root, timeout: 120_000 });
}

/** `npm run sweep` of a program written into a folder of its own with its sweep file: how it ended, the sweep's runs. */
async function sweepProgram(folder: string, program: string, source: string[], sweepYaml: string, ...extra: string[]) {
  const work = path.join(dir, folder);
  fs.mkdirSync(work, { recursive: true });
  fs.writeFileSync(path.join(work, program), source.join("\n"));
  const file = path.join(work, "sweep.yaml");
  fs.writeFileSync(file, `program: ${program}\n${sweepYaml}`);
  const result = sweep(file, ...extra);
  const [s] = (await listSweeps()).filter((x) => x.config.program === program);
  return { result, sweepId: s.id, runs: await sweepRuns(s.id) };
}

describe("a program's command line, as W&B's agent builds it", () => {
  const config = { lr: 0.0001, epochs: 3, "optimizer.name": "adam", "optimizer.beta": 1e-5, augment: true, layers: [64, 32], tiny: 1e-7 };

  it("expands every macro; nested parameters reach the program nested; values as Python writes them", () => {
    const argv = programArgv({ program: "train.py" }, config, "/tmp/c.json");
    assert.deepEqual(argv.slice(0, 3), ["/usr/bin/env", process.env.SWEEPLAB_PYTHON || "python3", "train.py"]);
    assert.deepEqual(argv.slice(3), ["--augment=True", "--epochs=3", "--layers=[64, 32]", "--lr=0.0001", "--optimizer={'beta': 1e-05, 'name': 'adam'}", "--tiny=1e-07"]);
    const all = programArgv(
      { program: "x.py", command: ["${interpreter}", "${program}", "${args_no_hyphens}", "--", "${args_no_boolean_flags}", "${args_json}", "${args_json_file}", "--fixed"] },
      { a: 1, flag: true, off: false },
      "/tmp/c.json",
    );
    assert.deepEqual(all.slice(1), ["x.py", "a=1", "flag=True", "off=False", "--", "--a=1", "--flag", '{"a":1,"flag":true,"off":false}', "/tmp/c.json", "--fixed"]);
    assert.deepEqual(nestConfig({ "a.b.c": 1, "a.d": 2, e: 3 }), { a: { b: { c: 1 }, d: 2 }, e: 3 });
    assert.equal(pythonStr(1e16), "1e+16");
    assert.equal(pythonStr(0.5), "0.5");
    assert.equal(pythonStr("it's"), "it's");
    assert.equal(pythonStr(["it's", null]), "['it\\'s', None]");
  });

  it("keeps an output line as a terminal leaves it: a progress bar's last update, no colour codes", () => {
    assert.equal(terminalLine(" 10%|#  | 1/10\r 50%|#####  | 5/10\r100%|##########| 10/10"), "100%|##########| 10/10");
    assert.equal(terminalLine("\u001b[32mINFO\u001b[0m epoch 1 \u001b[1mdone\u001b[22m"), "INFO epoch 1 done");
    assert.equal(terminalLine("saved\r   \r"), "saved");
    assert.equal(terminalLine('{"loss": 0.5}'), '{"loss": 0.5}');
  });

  it("splits a program's output at newlines only, a progress bar's updates in any chunks ending as its last", async () => {
    const lines: string[] = [];
    const stream = new PassThrough();
    onTerminalLines(stream, (l) => lines.push(l));
    for (const chunk of ["epoch 1\r\n 1", "0%|#\r 20%|##", "\r", " 30%|###\n\u001b[31mdone", "\u001b[0m"]) stream.write(chunk);
    stream.end();
    await new Promise((r) => stream.on("end", r));
    assert.deepEqual(lines, ["epoch 1", " 30%|###", "done"]);
  });

  it("reads a JSON line's numbers as metrics (its _step or the next step), anything else as the log", () => {
    assert.deepEqual(programLine('{"loss": 0.5, "val/acc": 0.25, "_step": 7, "note": "x"}', 3, 1.5), [
      { type: "metric", step: 7, time: 1.5, values: { loss: 0.5, "val/acc": 0.25 } },
      { type: "log", level: "warn", message: 'left out of the metrics (said once for each key): "note" (a string, not a number)' },
    ]);
    assert.deepEqual(programLine('{"loss": null, "big": "Infinity"}', 3, 2), [{ type: "metric", step: 3, time: 2, values: { loss: null, big: Infinity } }]);
    assert.deepEqual(programLine("epoch 1 done", 0, 0), [{ type: "log", level: "info", message: "epoch 1 done" }]);
    assert.deepEqual(programLine('{"message": "hi"}', 0, 0), [{ type: "log", level: "info", message: '{"message": "hi"}' }]);
    const odd = programLine('{"bad  name": 1, "val loss": 2, "train acc (%)": 3, "trailing ": 4}', 0, 0);
    assert.deepEqual(odd[0], { type: "metric", step: 0, time: 0, values: { "val loss": 2, "train acc (%)": 3 } }, "names with inner spaces are metrics, as W&B takes them");
    assert.match((odd[1] as { message: string }).message, /"bad  name" \(not a column name\), "trailing " \(not a column name\)/);
  });

  it("reads a JSON line as Python's json.dumps writes it: NaN and ±Infinity bare, booleans 0/1, nested names dotted; says once what it leaves out", () => {
    const told = new Set<string>();
    const line = '{"loss": NaN, "grad": Infinity, "low": -Infinity, "ok": true, "diverged": false, "val": {"acc": 0.5, "f1": {"macro": 0.25}}, "tags": ["a"], "msg": "NaN or Infinity", "_runtime": 1.5}';
    const values = { loss: null, grad: Infinity, low: -Infinity, ok: 1, diverged: 0, "val.acc": 0.5, "val.f1.macro": 0.25 };
    assert.deepEqual(programLine(line, 4, 2, told), [
      { type: "metric", step: 4, time: 2, values },
      { type: "log", level: "warn", message: 'left out of the metrics (said once for each key): "tags" (a list, not a number), "msg" (a string, not a number)' },
    ]);
    assert.deepEqual(programLine(line, 5, 3, told), [{ type: "metric", step: 5, time: 3, values }], "said once");
    assert.deepEqual(programLine('{"loss": NaN', 0, 0), [{ type: "log", level: "info", message: '{"loss": NaN' }], "no JSON: a log line");
    assert.deepEqual(programLine('{"loss": "toString"}', 0, 0), [{ type: "log", level: "info", message: '{"loss": "toString"}' }]);
  });

  it("accepts free and nested names once the sweep names a program; without one, the 400 reading stays", () => {
    const program = parseSweepConfigText("program: train.py\nmethod: grid\nparameters:\n  epochs: {values: [1, 2]}\n  optimizer:\n    parameters:\n      lr: {values: [0.1, 0.01]}\n");
    assert.ok(program.ok, JSON.stringify(!program.ok && program.issues));
    const bare = parseSweepConfigText("method: grid\nparameters:\n  epochs: {values: [1, 2]}\n");
    assert.ok(!bare.ok);
    assert.match(bare.issues[0].message, /unknown parameter "epochs": not a RunConfig key \(did you mean "steps"\?\)/);
    const noCommand = parseSweepConfigText("command: []\nmethod: grid\nparameters:\n  epochs: {value: 1}\n");
    assert.ok(!noCommand.ok);
    assert.equal(noCommand.issues[0].path, "command");
  });
});

describe("npm run sweep -- sweep.yaml with a program", { skip: hasPython ? false : `no ${python} on this machine` }, () => {
  it("runs a Python program beside the sweep file for every grid point: its JSON lines become curves, its prints the log", async () => {
    const source = [
      "import argparse, json, ast",
      "p = argparse.ArgumentParser()",
      "p.add_argument('--lr', type=float)",
      "p.add_argument('--epochs', type=int)",
      "p.add_argument('--optimizer', type=ast.literal_eval)",
      "a = p.parse_args()",
      "print('starting', a.optimizer['name'])",
      "for e in range(a.epochs):",
      "    print(json.dumps({'train/loss': 1 / (1 + a.lr * 100 * e), 'val/loss': 1.5 / (1 + a.lr * 90 * e), 'epoch': e}))",
    ];
    const sweepYaml = "method: grid\nmetric: {name: val/loss, goal: minimize}\nparameters:\n  lr: {values: [0.1, 0.01]}\n  epochs: {value: 5}\n  optimizer:\n    parameters:\n      name: {values: [adam, sgd]}\n";
    const { result, sweepId, runs } = await sweepProgram("py", "train.py", source, sweepYaml);
    assert.equal(result.status, 0, result.stderr + result.stdout);
    assert.equal(runs.length, 4);
    for (const run of runs) {
      assert.equal(run.state, "finished", run.error ?? "");
      assert.equal(run.kind, "program");
      const lr = run.config.lr as number;
      assert.deepEqual(Object.keys(run.config).sort(), ["epochs", "lr", "optimizer.name"]);
      const points = await readPoints(run.id, "val/loss");
      assert.deepEqual(points.map((p) => [p.step, p.value]), [0, 1, 2, 3, 4].map((e) => [e, 1.5 / (1 + lr * 90 * e)]));
      const logs = (await listLogs(run.id)).map((l) => l.message);
      assert.ok(logs.some((m) => m === `starting ${run.config["optimizer.name"]}`), logs.join("\n"));
      assert.ok(logs.some((m) => m.startsWith("$ /usr/bin/env") && m.includes("--optimizer={'name': ")), logs.join("\n"));
    }
    assert.equal((await getSweep(sweepId))?.state, "finished");
  });

  it("a failing program fails its run with the exit code; a killed one crashes; a Node program runs too", async () => {
    const source = [
      "const mode = process.argv.find((a) => a.startsWith('--mode=')).slice(7);",
      "console.log(JSON.stringify({ loss: 0.5, _step: 1 }));",
      "if (mode === 'ok') process.stderr.write(' 50%|##  |\\r100%|####|\\n\\u001b[33mwarming up\\u001b[0m\\n');",
      "if (mode === 'fail') { console.error('ValueError: bad batch'); process.exit(3); }",
      "if (mode === 'kill') process.kill(process.pid, 'SIGKILL');",
      "console.log(JSON.stringify({ loss: 0.25, _step: 2 }));",
    ];
    const { result, runs } = await sweepProgram("node", "train.mjs", source, "method: grid\nmetric: {name: loss, goal: minimize}\nparameters:\n  mode: {values: [ok, fail, kill]}\n");
    const byMode = Object.fromEntries(runs.map((r) => [r.config.mode as string, r]));
    assert.equal(byMode.ok.state, "finished", result.stderr);
    assert.deepEqual((await readPoints(byMode.ok.id, "loss")).map((p) => p.value), [0.5, 0.25]);
    // its stderr as a terminal left it: the progress bar's last state, no colour codes
    const lines = await listLogs(byMode.ok.id);
    const logs = lines.map((l) => l.message);
    assert.ok(logs.includes("100%|####|") && logs.includes("warming up"), logs.join("\n"));
    assert.ok(!logs.some((m) => m.includes("50%") || m.includes("\u001b")), logs.join("\n"));
    // stderr lines are the program's stderr, not warnings (tqdm, logging, tracebacks write there)
    const levelOf = (message: string) => lines.find((l) => l.message === message)?.level;
    assert.deepEqual([levelOf("100%|####|"), levelOf("warming up")], ["stderr", "stderr"]);
    assert.equal((await listLogs(byMode.fail.id)).find((l) => l.message === "ValueError: bad batch")?.level, "stderr");
    assert.equal(byMode.fail.state, "failed");
    assert.match(byMode.fail.error ?? "", /exited with code 3: ValueError: bad batch/);
    assert.equal(byMode.kill.state, "crashed");
    assert.match(byMode.kill.error ?? "", /SIGKILL/);
  });

  it("hyperband prunes a program: it gets SIGTERM and its run ends pruned", async () => {
    const source = [
      "import argparse, json, time",
      "p = argparse.ArgumentParser(); p.add_argument('--quality', type=float); a = p.parse_args()",
      "for step in range(400):",
      "    print(json.dumps({'loss': a.quality + 1.0 / (step + 1), '_step': step}), flush=True)",
      "    time.sleep(0.02)",
    ];
    const sweepYaml = "method: grid\nmetric: {name: loss, goal: minimize}\nearly_terminate: {type: hyperband, min_iter: 20, eta: 2}\nparameters:\n  quality: {values: [0, 5, 10, 20]}\n";
    const { result, runs } = await sweepProgram("prune", "slow.py", source, sweepYaml, "--concurrency", "4");
    assert.equal(result.status, 0, result.stderr);
    const pruned = runs.filter((r) => r.state === "pruned");
    assert.ok(pruned.length >= 1, runs.map((r) => `${r.config.quality}: ${r.state}`).join(", "));
    for (const r of pruned) {
      assert.ok(r.lastStep < 399, `pruned at ${r.lastStep}`);
      assert.notEqual(r.config.quality, 0);
    }
    assert.equal(runs.find((r) => r.config.quality === 0)?.state, "finished");
  });

  it("a Python program's JSON lines: NaN as a NaN point, booleans as 0/1, nested values dotted; a string key said once in the log", async () => {
    const source = [
      "import json",
      "for s in range(3):",
      "    loss = float('nan') if s == 1 else 1 / (s + 1)",
      "    print(json.dumps({'loss': loss, 'improved': s != 1, 'val': {'acc': s / 4}, 'phase': 'train'}))",
    ];
    const { result, runs: [run] } = await sweepProgram("py-values", "values.py", source, "method: grid\nmetric: {name: loss, goal: minimize}\nparameters:\n  x: {value: 1}\n");
    assert.equal(result.status, 0, result.stderr + result.stdout);
    assert.equal(run.state, "finished", run.error ?? "");
    const series = async (name: string) => (await readPoints(run.id, name)).map((p) => (p.value === null || Number.isNaN(p.value) ? "NaN" : p.value));
    assert.deepEqual(await series("loss"), [1, "NaN", 1 / 3]);
    assert.deepEqual(await series("improved"), [1, 0, 1]);
    assert.deepEqual(await series("val.acc"), [0, 0.25, 0.5]);
    const logs = await listLogs(run.id);
    assert.ok(!logs.some((l) => l.message.includes("NaN")), "no metric line went to the log");
    assert.deepEqual(logs.filter((l) => l.message.includes("phase")).map((l) => [l.level, l.message]), [["warn", 'left out of the metrics (said once for each key): "phase" (a string, not a number)']]);
  });

  it("a Python program run by a sweep imports the Python client with nothing installed (clients/python on its PYTHONPATH, after the user's own)", async () => {
    const source = ["import json, os, sweeplab", "print(json.dumps({'loss': 0.5}))", "print(os.environ['PYTHONPATH'])"];
    const bare: NodeJS.ProcessEnv = { ...env };
    delete bare.PYTHONPATH;
    const work = path.join(dir, "py-import");
    fs.mkdirSync(work, { recursive: true });
    fs.writeFileSync(path.join(work, "imports.py"), source.join("\n"));
    fs.writeFileSync(path.join(work, "sweep.yaml"), "program: imports.py\nmethod: grid\nparameters:\n  x: {value: 1}\n");
    const result = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "sweeps", "cli.ts"), path.join(work, "sweep.yaml")], { env: { ...bare, PYTHONPATH: "/somewhere/else" }, encoding: "utf8", cwd: root, timeout: 120_000 });
    assert.equal(result.status, 0, result.stderr + result.stdout);
    const [s] = (await listSweeps()).filter((x) => x.config.program === "imports.py");
    const [run] = await sweepRuns(s.id);
    assert.equal(run.state, "finished", run.error ?? "");
    assert.deepEqual((await readPoints(run.id, "loss")).map((p) => p.value), [0.5]);
    assert.ok((await listLogs(run.id)).some((l) => l.message === `/somewhere/else:${path.join(root, "clients", "python")}`), "the user's path first");
  });

  it("a program sweep created over HTTP is never run by the server: an agent started with its id runs it in its folder", async () => {
    const work = path.join(dir, "agent");
    fs.mkdirSync(work, { recursive: true });
    fs.writeFileSync(path.join(work, "fit.py"), "import sys, json\nlr = float(sys.argv[1].split('=')[1])\nfor s in range(3): print(json.dumps({'loss': lr * (3 - s)}))\n");
    const TOKEN = "program-agent-token";
    const srv = await startRouteServer({ DATABASE_URL: dbUrl, SWEEPLAB_DATA_DIR: dir, SWEEPLAB_AGENT_TOKEN: TOKEN, SWEEPLAB_CONCURRENCY: "2" });
    try {
      const res = await fetch(`${srv.base}/api/sweeps`, { method: "POST", headers: { "content-type": "application/yaml" }, body: "name: from the browser\nprogram: fit.py\nmethod: grid\nmetric: {name: loss, goal: minimize}\nparameters:\n  lr: {values: [0.5, 0.25]}\n" });
      assert.equal(res.status, 201, await res.clone().text());
      const { id } = (await res.json()) as { id: string };
      // the server's two local workers leave it alone
      await new Promise((r) => setTimeout(r, 3000));
      assert.deepEqual(await sweepRuns(id), []);
      const agent = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "sweeps", "agent-cli.ts"), "--server", srv.base, "--token", TOKEN, "--sweep", id, "--concurrency", "2", "--name", "prog-agent"], {
        cwd: root,
        env: { ...env, INIT_CWD: work }, // (as `npm run agent` typed in that folder)
        encoding: "utf8",
        timeout: 90_000,
      });
      assert.equal(agent.status, 0, agent.stderr + agent.stdout);
      const runs = await sweepRuns(id);
      assert.deepEqual(runs.map((r) => r.state), ["finished", "finished"]);
      for (const run of runs) {
        assert.equal(run.claimedBy, "agent:prog-agent");
        assert.deepEqual((await readPoints(run.id, "loss")).map((p) => p.value), [0, 1, 2].map((s) => (run.config.lr as number) * (3 - s)));
      }
      assert.equal((await getSweep(id))?.state, "finished");
    } finally {
      srv.server.kill("SIGKILL");
    }
  });
});
