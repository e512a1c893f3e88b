import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { disconnectPrisma, listLogs, listSweeps, readPoints, sweepProgress, sweepRuns } from "../prisma/store";
import { filterColumn, KEY_PATTERN } from "./names";
import { RunFilter } from "../prisma/store/query";
import { parseSweepConfigText } from "./config";

// The rule for names that become columns (metric names, config and summary keys) lives in three
// places: the server (names.ts KEY_PATTERN), the Python client (is_key) and the TS client
// (NAME_PATTERN), which drop a name the server would refuse rather than lose the whole batch.
// Here one list of names goes through all three, read from their sources as they ship; then a
// program sweep with a parameter named in another script runs end to end (`npm run sweep`).

const root = path.resolve(import.meta.dirname, "..");

/** [name, valid]: names in any script pass, with single inner spaces; what would break a column, a filter, a list or a nested config key does not. */
const NAMES: [string, boolean][] = [
  ["val/loss", true], ["eval/acc@1", true], ["lr(group_0)", true], ["a[0]", true], ["train.loss", true], ["_x", true], ["0.5", true], ["p%+#:", true],
  ["学习率", true], ["größe", true], ["val/точность", true], ["cafe\u0301", true], ["x²", true], ["٣٤", true], ["Ⅻ", true], ["مرحلة", true], ["𝒳", true],
  ["x".repeat(128), true], ["𝒳".repeat(128), true], ["損".repeat(128), true],
  ["a b", true], ["val loss", true], ["train acc (%)", true], ["lr (group 0)", true], ["学习 率", true], ["_ x", true], ["a b c", true], ["a /b", true], ["cafe\u0301 noir", true], [`${"x".repeat(126)} y`, true],
  ["a  b", false], [" a", false], ["a ", false], [" ", false], ["a. b", false], ["a .b", false], ["a \u0301b", false], [`${"x".repeat(126)}  y`, false], [`${"x".repeat(127)} y`, false],
  ["", false], ["x".repeat(129), false], ["𝒳".repeat(129), false], ["\u0301a", false], [".a", false], ["/a", false], ["@a", false], ["(a)", false],
  ["学习\u3000率", false], ["a\u00a0b", false], ["a\tb", false], ["a\nb", false], ["a\u0000b", false], ["a\u007fb", false],
  ["a\u200bb", false], ["a\u200db", false], ["a\u202eb", false], ["a\ufeffb", false], ["a\ud800", false],
  ["a,b", false], ["a=b", false], ["a!", false], ["a<b", false], ["a>b", false], ["a~b", false], ["a'b", false], ['a"b', false], ["a`b", false], ["a\\b", false],
  ["a&b", false], ["a?b", false], ["a$b", false], ["😀", false], ["a😀", false], ["a€", false],
];

/** The TS client's NAME_PATTERN, read from its source (it is not exported: the client is one file users copy). */
function tsClientPattern(): RegExp {
  const source = fs.readFileSync(path.join(root, "clients/ts/sweeplab.ts"), "utf8");
  const literal = /^const NAME_PATTERN = \/(.+)\/([a-z]*);$/m.exec(source) ?? assert.fail("no NAME_PATTERN in clients/ts/sweeplab.ts");
  return new RegExp(literal[1], literal[2]);
}

/** The Python client's is_key over `names` (sent as ASCII JSON, so no terminal encoding touches them). */
function pythonClientVerdicts(names: string[]): boolean[] {
  const script = "import json, sys\nfrom sweeplab._batch import is_key\nprint(json.dumps([is_key(n) for n in json.loads(sys.stdin.read())]))";
  const input = JSON.stringify(names).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const done = spawnSync("python3", ["-c", script], { input, encoding: "utf8", env: { ...process.env, PYTHONPATH: path.join(root, "clients/python") } });
  assert.equal(done.status, 0, done.stderr);
  return JSON.parse(done.stdout) as boolean[];
}

describe("the rule for column names", () => {
  it("is the same rule in the server, the TS client and the Python client", () => {
    const names = NAMES.map(([n]) => n);
    const want = NAMES.map(([, valid]) => valid);
    const label = (verdicts: boolean[]) => names.map((n, i) => `${JSON.stringify(n.slice(0, 12))}:${verdicts[i]}`);
    assert.deepEqual(label(names.map((n) => KEY_PATTERN.test(n))), label(want), "server (sweeps/names.ts)");
    const ts = tsClientPattern();
    assert.deepEqual(label(names.map((n) => ts.test(n))), label(want), "TS client");
    assert.deepEqual(label(pythonClientVerdicts(names)), label(want), "Python client");
  });
});

describe("a key with spaces in a filter", () => {
  it("is written quoted (summary.\"val loss\">0.5) where it holds a space, and read back to its column, quoted or not", () => {
    assert.equal(filterColumn("summary.val loss"), 'summary."val loss"');
    assert.equal(filterColumn("config.model.hidden size"), 'config."model.hidden size"');
    for (const field of ["summary.val_loss", "config.学习率", "name", "derived.train_val_gap"]) assert.equal(filterColumn(field), field, "as it is: no space");
    for (const field of ["summary.val loss", "config.model.hidden size", "summary.train acc (%)", "config.cell", "name"]) {
      for (const text of [`${filterColumn(field)}>0.5`, `${field} > 0.5`]) {
        const parsed = RunFilter.safeParse(text);
        assert.ok(parsed.success, `${text}: ${JSON.stringify(!parsed.success && parsed.error.issues)}`);
        assert.deepEqual([parsed.data.field, parsed.data.op, parsed.data.value], [field, ">", 0.5], text);
      }
    }
    for (const bad of ['summary."val loss>0.5', 'summary."val  loss">0.5', 'summary."val loss"x>0.5', '"summary.val loss">0.5']) assert.equal(RunFilter.safeParse(bad).success, false, bad);
  });
});

describe("a program sweep with parameters named in any script", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-names-"));
  const dbUrl = `file:${path.join(dir, "names.db")}`;
  process.env.DATABASE_URL = dbUrl;
  after(async () => {
    await disconnectPrisma();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const yaml = "program: train.mjs\nmethod: grid\nmetric: {name: 损失, goal: minimize}\nparameters:\n  学习率: {values: [0.1, 0.01]}\n  größe:\n    parameters:\n      层数: {value: 2}\n";

  it("is accepted, its nested names flattened as the clients send them", () => {
    const parsed = parseSweepConfigText(yaml);
    assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.issues));
    assert.deepEqual(parsed.warnings, []);
  });

  it("runs: each run's command line carries --学习率=… intact, its config the names, its curve the metric, the best run found by it", async () => {
    fs.writeFileSync(
      path.join(dir, "train.mjs"),
      [
        "const args = process.argv.slice(2);",
        "console.log('argv ' + JSON.stringify(args));",
        "const lr = Number(args.find((a) => a.startsWith('--学习率=')).slice('--学习率='.length));",
        "for (let s = 0; s < 3; s++) console.log(JSON.stringify({ '损失': lr * (3 - s) }));",
      ].join("\n"),
    );
    fs.writeFileSync(path.join(dir, "sweep.yaml"), yaml);
    const result = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "sweeps", "cli.ts"), path.join(dir, "sweep.yaml"), "--concurrency", "2"], {
      env: { ...process.env, DATABASE_URL: dbUrl, SWEEPLAB_DATA_DIR: dir },
      encoding: "utf8",
      cwd: root,
      timeout: 120_000,
    });
    assert.equal(result.status, 0, result.stderr + result.stdout);
    const [sweep] = (await listSweeps()).filter((s) => s.config.program === "train.mjs");
    const runs = await sweepRuns(sweep.id);
    assert.deepEqual(runs.map((r) => r.config["学习率"]).sort(), [0.01, 0.1]);
    for (const run of runs) {
      assert.equal(run.state, "finished", run.error ?? "");
      assert.deepEqual(run.config, { "größe.层数": 2, 学习率: run.config["学习率"] });
      const logs = (await listLogs(run.id)).map((l) => l.message);
      const argv = logs.find((m) => m.startsWith("argv ")) ?? assert.fail(logs.join("\n"));
      assert.deepEqual((JSON.parse(argv.slice(5)) as string[]).sort(), [`--größe={'层数': 2}`, `--学习率=${run.config["学习率"]}`]);
      const lr = run.config["学习率"] as number;
      assert.deepEqual((await readPoints(run.id, "损失")).map((p) => p.value), [lr * 3, lr * 2, lr]);
    }
    const best = (await sweepProgress(sweep)).best;
    assert.equal(best?.config["学习率"], 0.01, "the lowest last 损失");
  });
});
