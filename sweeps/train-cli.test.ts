import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
// The CLI is a composition root; so is its test, which reads the database it wrote.
import { countRuns, disconnectPrisma, getCorpus, getRun, listDiagnostics, listLogs, listRuns, listSamples, readSeries, requestStop } from "../prisma/store";
import { consoleText } from "../engine/console";
import { checkpointPathFor } from "./checkpoints";
import { until } from "./testdata/until";

// `npm run train -- --track` as a real process (with the real engine worker) against a real
// SQLite file and data dir: what it records, live and at the end; the app's stop button and
// Ctrl-C; bad flags. Without --track it records nothing.

const root = path.resolve(import.meta.dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-train-cli-"));
const dbUrl = `file:${path.join(dir, "train.db")}`;
process.env.DATABASE_URL = dbUrl;
process.env.SWEEPLAB_DATA_DIR = dir;
const env = { ...process.env, DATABASE_URL: dbUrl, SWEEPLAB_DATA_DIR: dir };
const cli = (...args: string[]) => [process.execPath, ["--import", "tsx", path.join(root, "sweeps", "train-cli.ts"), ...args]] as const;
const train = (...args: string[]) => spawnSync(...cli(...args), { env, encoding: "utf8", cwd: root, timeout: 60_000 });
/** A run long enough to be caught mid-way. */
const LONG = ["--task", "repeated_ones", "--steps", "1000000", "--hidden_size", "8", "--log_every", "10", "--eval_every", "100"];

const children: ChildProcess[] = [];

after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, "SIGKILL");
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Start a long tracked run; resolves once it is running with metrics in the database. */
async function startLongRun(options: { detached?: boolean } = {}) {
  const child = spawn(...cli("--track", ...LONG), { env, cwd: root, stdio: ["ignore", "pipe", "pipe"], detached: options.detached });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  const id = await until("the run id", async () => /^run \S+ \(([0-9a-z]+)\)/m.exec(out)?.[1]);
  const live = await until("live metrics", async () => {
    const run = await getRun(id);
    return run?.state === "running" && run.lastStep > 0 && run.summary.train_loss !== undefined ? run : null;
  });
  return { child, id, live, exited, output: () => ({ out, err }) };
}

describe("npm run train -- --track", () => {
  it("records the run like one the app launched: config, metrics, samples, logs, end state, summary, checkpoint", async () => {
    // a local corpus file is registered under its name: the run names it, the worker gets its text
    const corpusFile = path.join(dir, "ab text.txt");
    fs.writeFileSync(corpusFile, "abba abab baba ".repeat(200));
    const args = ["--threads", "1", "--task", "charlm", "--corpus", corpusFile, "--steps", "30", "--hidden_size", "16", "--batch_size", "4", "--seq_length", "16",
      "--log_every", "5", "--eval_every", "10", "--sample_every", "10", "--sample_length", "20"];
    const result = train("--track", "--name", "tiny charlm", ...args);
    assert.equal(result.status, 0, result.stderr);
    const id = /^run tiny charlm \(([0-9a-z]+)\) tracked in /m.exec(result.stdout)?.[1];
    assert.ok(id, result.stdout);
    assert.match(result.stdout, /^finished at step 30: /m, "the terminal progress is kept");

    const { runs } = await listRuns({ ids: [id] }); // as the runs table reads it
    const run = runs[0];
    assert.equal(run.name, "tiny charlm");
    assert.equal(run.sweepId, null);
    assert.equal(run.state, "finished", run.error ?? "");
    assert.equal(run.error, null);
    assert.equal(run.lastStep, 30);
    assert.equal(run.pid, null);
    assert.ok(run.startedAt && run.finishedAt);
    assert.equal(run.config.task, "charlm");
    assert.equal(run.config.hidden_size, 16);
    assert.equal(run.config.optimizer, "adam", "the resolved config, defaults included");

    assert.deepEqual((await readSeries(id, "train_loss")).map((p) => p.step), [5, 10, 15, 20, 25, 30]);
    const val = await readSeries(id, "val_loss");
    assert.deepEqual(val.map((p) => p.step), [10, 20, 30]);
    assert.equal(run.summary.val_loss, val.at(-1)!.value);
    assert.equal(run.summary.step, 30);
    assert.equal(typeof run.summary.val_loss_best, "number");
    assert.deepEqual((await listSamples(id)).map((s) => s.step), [10, 20, 30]);
    // The console (the Logs tab, its download): what the terminal printed, line for line — and
    // what an untracked run of the same config prints (one formatter), timings aside.
    const consoleOut = (await listLogs(id, { limit: 10_000 })).map(consoleText).join("\n");
    const printed = result.stdout.trimEnd().split("\n").slice(1).join("\n"); // after "run … tracked in …"
    assert.equal(consoleOut, printed);
    assert.match(consoleOut, /^step 5  train_loss \S+  grad_norm \S+  [\d,]+ tok\/s$/m);
    assert.match(consoleOut, /^step 10  train_loss \S+  val_loss \S+  saturation \S+$/m);
    assert.match(consoleOut, /^--- sample at step 20 \(temperature 0\.8\)\n[^]*?\n---$/m);
    assert.match(consoleOut, /\nfinished at step 30: [^\n]*val_loss_best [^\n]*$/);
    const untimed = (text: string) => text.replace(/[\d,]+ tok\/s/g, "? tok/s").replace(/(throughput|runtime) \S+/g, "$1 ?");
    const here = train(...args);
    assert.equal(here.status, 0, here.stderr);
    assert.equal(untimed(here.stdout.trimEnd()), untimed(consoleOut));
    assert.equal(run.config.corpus, "ab-text.txt");
    assert.equal((await getCorpus("ab-text.txt"))?.size, fs.statSync(corpusFile).size);
    for (const s of await listSamples(id)) assert.match(s.text, /^[ab ]*$/, "trained on the file's text");
    assert.ok((await listDiagnostics(id, "grad_flow")).length > 0);
    assert.ok(fs.existsSync(checkpointPathFor(id)), "the cell viewer's checkpoint");
    assert.equal(checkpointPathFor(id), path.join(dir, "checkpoints", `${id}.json`));
  });

  it("is live while it trains and ends `stopped` when the app's stop button is pressed", async () => {
    const { id, live, exited, output } = await startLongRun();
    assert.ok((await readSeries(id, "train_loss")).length > 0);
    assert.equal((await listRuns({ states: ["running"] })).runs[0]?.id, id, "in the runs table, running");
    assert.ok(live.claimedBy?.startsWith("local:"));
    await requestStop(id);
    assert.equal(await exited, 3, output().err);
    const run = (await getRun(id))!;
    assert.equal(run.state, "stopped");
    assert.ok(run.lastStep >= live.lastStep);
    assert.equal(typeof run.summary.train_loss, "number");
    assert.ok(fs.existsSync(checkpointPathFor(id)));
    assert.match(output().out, /^stopped at step \d+: /m);
  });

  it("Ctrl-C (SIGINT to the process group, as a terminal sends it) ends the run `stopped`, not running forever", async () => {
    const { child, id, exited, output } = await startLongRun({ detached: true });
    process.kill(-child.pid!, "SIGINT");
    assert.equal(await exited, 3, output().err);
    const run = (await getRun(id))!;
    assert.equal(run.state, "stopped", run.error ?? "");
    assert.ok(run.finishedAt);
    assert.ok(fs.existsSync(checkpointPathFor(id)), "the worker stopped cleanly and wrote its checkpoint");
    assert.match(output().out, /^interrupted: stopping run /m);
  });

  it("rejects a bad flag or value in one line naming it, recording nothing", async () => {
    const before = await countRuns();
    const cases: [string[], RegExp][] = [
      [["--track", "--hidden_size", "0"], /^error: --hidden_size: /],
      [["--track", "--cell", "transformer"], /^error: --cell: /],
      [["--track", "--bogus", "1"], /^error: unknown key --bogus /],
      [["--track", "--name"], /^error: --name needs a value$/],
      [["--track", "--name", " "], /^error: --name must be /],
      [["--name", "x"], /^error: --name names a tracked run: add --track$/],
      [["--track=yes"], /^error: --track takes no value$/],
      [["--track", "--resume", path.join(dir, "missing.json")], /^error: --resume .*missing\.json: /],
      [["--track", "--task", "charlm", "--corpus", path.join(dir, "missing.txt")], /^error: --corpus: cannot read /],
    ];
    for (const [args, pattern] of cases) {
      const result = train(...args);
      assert.equal(result.status, 2, `${args.join(" ")}: ${result.stderr}`);
      const lines = result.stderr.trim().split("\n");
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0], pattern);
    }
    assert.equal(await countRuns(), before);
  });

  it("without --track trains in the terminal and records nothing", async () => {
    const before = await countRuns();
    const result = train("--task", "repeated_ones", "--steps", "5", "--hidden_size", "8");
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^finished at step 5: /m);
    assert.doesNotMatch(result.stdout, /tracked in/);
    assert.equal(await countRuns(), before);
  });
});
