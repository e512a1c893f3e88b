import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { disconnectPrisma, getRun, listLogs, metricCounts, readPoints } from "../../prisma/store";
import { startRouteServer, type RouteServer } from "../../app/_server/testdata/start-route-server";
import { accessConfig, checkRequest } from "../../app/_server/access";
import { buildClient, clientModule, root, runScript } from "./testdata/harness";

// The TypeScript client as a program uses it: built to plain ESM as its README says, imported by
// plain Node scripts run as child processes, against the real route server (its Coordinator)
// on a real SQLite file. What a script logged is read back over HTTP (the run, metrics.csv,
// metrics.jsonl) and from the store, value by value.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-tsclient-"));
const dbUrl = `file:${path.join(dir, "client.db")}`;
process.env.DATABASE_URL = dbUrl;
let srv: RouteServer;
/** Lets the program sweep's agent register. */
const AGENT_TOKEN = "ts-client-test-agent-token";

before(async () => {
  buildClient();
  srv = await startRouteServer({ DATABASE_URL: dbUrl, SWEEPLAB_DATA_DIR: dir, SWEEPLAB_CONCURRENCY: "0", SWEEPLAB_AGENT_TOKEN: AGENT_TOKEN });
});

after(async () => {
  srv?.server.kill("SIGKILL");
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

const env = (more: Record<string, string> = {}) => ({ SWEEPLAB_URL: srv.base, ...more });

/** What a script logged, printed as its last stdout line (non-finite numbers as their names). */
interface Logged {
  id: string;
  duplicates: number;
  steps: Record<string, Record<string, number | string>>;
}

function lastJson<T>(stdout: string): T {
  const lines = stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as T;
}

async function getJson(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${srv.base}${url}`);
  assert.equal(res.status, 200, url);
  return (await res.json()) as Record<string, unknown>;
}

/** The run's metrics.csv and metrics.jsonl, downloaded, each equal to what the script logged. */
async function assertDownloadsMatch(logged: Logged): Promise<void> {
  const steps = Object.keys(logged.steps).map(Number).sort((a, b) => a - b);
  const names = [...new Set(Object.values(logged.steps).flatMap((v) => Object.keys(v)))].sort();

  const csvRes = await fetch(`${srv.base}/api/runs/${logged.id}/metrics.csv`);
  assert.equal(csvRes.status, 200);
  assert.match(csvRes.headers.get("content-disposition")!, new RegExp(`^attachment; filename=".*-${logged.id}-metrics\\.csv"$`));
  const [header, ...rows] = parse(await csvRes.text()) as string[][];
  assert.deepEqual(header, ["step", "time", ...names]);
  assert.deepEqual(rows.map((r) => Number(r[0])), steps);
  let lastTime = 0;
  for (const row of rows) {
    const want = logged.steps[row[0]];
    const time = Number(row[1]);
    assert.ok(time >= lastTime, `time goes on at step ${row[0]}`);
    lastTime = time;
    names.forEach((name, i) => {
      const cell = row[2 + i];
      if (!(name in want)) return assert.equal(cell, "", `${name} at step ${row[0]}`);
      // numbers to the last digit; NaN, Infinity, -Infinity by name
      assert.equal(cell, String(want[name]), `${name} at step ${row[0]}`);
    });
  }

  const jsonl = (await (await fetch(`${srv.base}/api/runs/${logged.id}/metrics.jsonl`)).text()).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(jsonl.map((l) => l._step), steps);
  for (const line of jsonl) {
    const { _step, _time, ...values } = line;
    assert.equal(typeof _time, "number");
    assert.deepEqual(values, logged.steps[String(_step)], `step ${_step}`);
  }
}

const TOKEN = "ts-client-test-access-token";

/**
 * A proxy in front of the real server that lets in only what app/_server/access.ts lets in with
 * SWEEPLAB_ACCESS_TOKEN=TOKEN (the route server has no proxy.ts), and that can lose the answer
 * to an event batch: `loseAnswer(seq)` true forwards the batch, then drops the connection.
 */
async function startProxy(loseAnswer: (seq: number) => boolean): Promise<{ server: http.Server; base: string }> {
  const access = accessConfig({ SWEEPLAB_ACCESS_TOKEN: TOKEN });
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = req.method === "POST" ? Buffer.concat(chunks) : undefined;
    const headers = new Headers(Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === "string"));
    const verdict = checkRequest(new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers }), access);
    if (!verdict.ok) {
      res.writeHead(verdict.status, { "content-type": "application/json" });
      return res.end(JSON.stringify({ error: verdict.error, issues: [] }));
    }
    const upstream = await fetch(`${srv.base}${req.url}`, { method: req.method, headers: { "content-type": "application/json" }, body });
    const answer = Buffer.from(await upstream.arrayBuffer());
    if (req.url!.endsWith("/events") && loseAnswer((JSON.parse(body!.toString()) as { seq: number }).seq)) return req.socket.destroy();
    res.writeHead(upstream.status, { "content-type": "application/json" });
    res.end(answer);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

describe("the TypeScript client (clients/ts)", () => {
  it("lands a run from a plain Node script: config, curves (val/loss, NaN, ±Infinity), summary, logs, finish", async () => {
    const result = await runScript(
      dir,
      "train.mjs",
      `
      import * as sweeplab from __CLIENT__;
      const run = await sweeplab.init({
        project: "mnist", name: "first try", group: "ablation", tags: ["mlp", "small"], notes: "from a script",
        config: { lr: 0.01, optimizer: { name: "adam", beta: 0.9 }, layers: [64, 64] },
        flushIntervalMs: 20, maxBatchValues: 150,
      });
      const steps = {};
      const named = (v) => (Number.isFinite(v) ? v : String(v));
      for (let step = 0; step < 400; step++) {
        const values = { loss: 1 / (step + 1) + 0.1 + 0.2, "train/acc": step / 400 };
        if (step % 10 === 0) values["val/loss"] = step === 30 ? NaN : step === 40 ? Infinity : step === 50 ? -Infinity : 1 / 3 + step;
        if (step === 7) values.loss = NaN;
        sweeplab.log(values);
        steps[step] = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, named(v)]));
        if (step % 50 === 0) await run.flush();
      }
      run.log({ late: 0.1 * 3 }, { step: 1000 });
      steps[1000] = { late: 0.1 * 3 };
      run.print("done training", "warn");
      run.summary.best_acc = 0.975;
      run.summary.set("final", Infinity);
      sweeplab.config.epochs = 4;
      if (sweeplab.config.lr !== 0.01 || run.config.optimizer.name !== "adam") throw new Error("config not readable");
      await sweeplab.finish({ exitCode: 0 });
      console.log(JSON.stringify({ id: run.id, duplicates: run.duplicates, steps }));
      `,
      env(),
    );
    assert.equal(result.code, 0, result.stderr);
    const logged = lastJson<Logged>(result.stdout);

    const { run } = (await getJson(`/api/runs/${logged.id}`)) as { run: Record<string, unknown> };
    assert.equal(run.state, "finished");
    assert.equal(run.kind, "program");
    assert.equal(run.project, "mnist");
    assert.equal(run.name, "first try");
    assert.equal(run.runGroup, "ablation");
    assert.deepEqual(run.tags, ["mlp", "small"]);
    assert.equal(run.notes, "from a script");
    assert.deepEqual(run.config, { lr: 0.01, "optimizer.name": "adam", "optimizer.beta": 0.9, layers: [64, 64], epochs: 4 });
    const summary = run.summary as Record<string, unknown>;
    assert.equal(summary.best_acc, 0.975);
    assert.equal(summary.loss, 1 / 400 + 0.1 + 0.2, "the last loss logged");
    assert.equal(summary.final, "Infinity", "a summary key set to Infinity is kept, spelled as JSON can carry it");
    assert.equal(logged.duplicates, 0);

    // every point once: 400 losses + 400 accuracies + 40 val/loss + 1 late (rollup agrees)
    const counts = await metricCounts(logged.id);
    assert.deepEqual(counts, {
      loss: { points: 400, rollup: 400 },
      "train/acc": { points: 400, rollup: 400 },
      "val/loss": { points: 40, rollup: 40 },
      late: { points: 1, rollup: 1 },
    });
    assert.ok((await listLogs(logged.id)).some((l) => l.level === "warn" && l.message === "done training"));
    await assertDownloadsMatch(logged);

    // a batch sent again is a no-op: the server answers duplicate and stores nothing
    const resend = await fetch(`${srv.base}/api/runs/${logged.id}/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ seq: 1, metrics: [{ step: 0, time: 0, values: { loss: 99 } }] }),
    });
    assert.equal(resend.status, 200);
    assert.equal(((await resend.json()) as { duplicate: boolean }).duplicate, true);
    assert.deepEqual(await metricCounts(logged.id), counts);
    await assertDownloadsMatch(logged);
  });

  it("sends the API key; a batch whose answer was lost goes again with the same seq: the server skips it, nothing is doubled", async () => {
    // the first sending of batches 1, 3 and 5 reaches the server, and its answer is lost
    const seqs: number[] = [];
    let dropped = 0;
    const proxy = await startProxy((seq) => {
      const firstSending = !seqs.includes(seq);
      seqs.push(seq);
      if (!firstSending || seq % 2 === 0 || dropped === 3) return false;
      dropped++;
      return true;
    });
    try {
      const result = await runScript(
        dir,
        "lossy.mjs",
        `
        import * as sweeplab from __CLIENT__;
        const run = await sweeplab.init({ project: "lossy", flushIntervalMs: 10, maxBatchValues: 100 });
        const steps = {};
        for (let step = 0; step < 250; step++) {
          const values = { x: step * 0.1, y: step % 7 === 0 ? NaN : 1 - step / 1000 };
          run.log(values, { step });
          steps[step] = { x: values.x, y: Number.isNaN(values.y) ? "NaN" : values.y };
          if (step % 25 === 0) await run.flush();
        }
        await run.finish();
        console.log(JSON.stringify({ id: run.id, duplicates: run.duplicates, steps }));
        `,
        { SWEEPLAB_URL: proxy.base, SWEEPLAB_API_KEY: TOKEN },
      );
      assert.equal(result.code, 0, result.stderr);
      const logged = lastJson<Logged>(result.stdout);
      assert.equal(dropped, 3);
      assert.equal(logged.duplicates, 3, "each lost answer's batch came back as a duplicate");
      // the batches went out in order, each of 1, 3 and 5 sent again right after its lost answer
      const distinct = [...new Set(seqs)];
      assert.deepEqual(distinct, distinct.map((_, i) => i + 1));
      assert.deepEqual(seqs.slice(0, 9), [1, 1, 2, 3, 3, 4, 5, 5, 6]);
      assert.equal(seqs.length, distinct.length + 3);
      assert.deepEqual(await metricCounts(logged.id), { x: { points: 250, rollup: 250 }, y: { points: 250, rollup: 250 } });
      assert.equal(((await getJson(`/api/runs/${logged.id}`)).run as { state: string }).state, "finished");
      await assertDownloadsMatch(logged);

      // a wrong key: init fails at once, saying why
      const refused = await runScript(dir, "wrongkey.mjs", `import * as sweeplab from __CLIENT__; await sweeplab.init({ project: "nokey" });`, {
        SWEEPLAB_URL: proxy.base,
        SWEEPLAB_API_KEY: "not-the-token-at-all",
      });
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /could not start a run at .*: HTTP 401: wrong access token/);
    } finally {
      proxy.server.close();
    }
  });

  it("reads SWEEPLAB_RUN_ID and SWEEPLAB_PROJECT; a stop answer sets run.shouldStop; the run ends stopped", async () => {
    const id = "tsclientstop01";
    const script = runScript(
      dir,
      "stoppable.mjs",
      `
      import * as sweeplab from __CLIENT__;
      const run = await sweeplab.init({ flushIntervalMs: 10 });
      let step = 0;
      const deadline = Date.now() + 60_000;
      while (!run.shouldStop && Date.now() < deadline) {
        run.log({ loss: 1 / (step + 1) }, { step: step++ });
        await run.flush();
        await new Promise((r) => setTimeout(r, 10));
      }
      await run.finish();
      console.log(JSON.stringify({ id: run.id, project: run.project, shouldStop: run.shouldStop, steps: step }));
      `,
      env({ SWEEPLAB_RUN_ID: id, SWEEPLAB_PROJECT: "envproject" }),
    );
    // once the run logs, the user presses Stop
    for (let i = 0; ; i++) {
      const run = await getRun(id);
      if (run && run.lastStep > 3) break;
      assert.ok(i < 600, "the run never logged");
      await new Promise((r) => setTimeout(r, 50));
    }
    const stop = await fetch(`${srv.base}/api/runs/${id}/stop`, { method: "POST" });
    assert.equal(stop.status, 200, await stop.text());
    const result = await script;
    assert.equal(result.code, 0, result.stderr);
    const out = lastJson<{ id: string; project: string; shouldStop: boolean }>(result.stdout);
    assert.deepEqual([out.id, out.project, out.shouldStop], [id, "envproject", true]);
    assert.match(result.stderr, /asks this run to stop/);
    const run = await getRun(id);
    assert.equal(run?.state, "stopped");
    assert.equal(run?.project, "envproject");
  });

  it("the id of a run that has ended: init() throws, saying so; with resume: 'allow' the run goes on after its last step", async () => {
    const source = (resume: string) => `
      import * as sweeplab from __CLIENT__;
      let run;
      try {
        run = await sweeplab.init({ id: "tsagain01"${resume} });
      } catch (error) {
        console.log(JSON.stringify({ refused: error.message }));
        process.exit(0);
      }
      for (let i = 0; i < 3; i++) run.log({ loss: 1 });
      await run.finish();
      console.log(JSON.stringify({ id: run.id }));
      `;
    const steps = async () => (await readPoints("tsagain01", "loss")).map((p) => p.step);
    const first = await runScript(dir, "again.mjs", source(""), env({}));
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(await steps(), [0, 1, 2]);
    const again = await runScript(dir, "again.mjs", source(""), env({}));
    assert.equal(again.code, 0, again.stderr);
    assert.match(lastJson<{ refused: string }>(again.stdout).refused, /run tsagain01 has ended on the server \(finished\) after step 2: pass resume: "allow"/);
    const resumed = await runScript(dir, "again.mjs", source(`, resume: "allow"`), env({}));
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(await steps(), [0, 1, 2, 3, 4, 5]);
    assert.equal((await getRun("tsagain01"))?.state, "finished");
  });

  it("a script that dies of an uncaught exception ends its run failed, with the stack trace; Node's exit stays", async () => {
    const result = await runScript(
      dir,
      "throws.mjs",
      `
      import * as sweeplab from __CLIENT__;
      const run = await sweeplab.init({ project: "throws" });
      console.log(JSON.stringify({ id: run.id }));
      for (let step = 0; step < 20; step++) run.log({ loss: step });
      await new Promise((r) => setTimeout(r, 5));
      function train() { throw new RangeError("boom at step 20"); }
      train();
      `,
      env(),
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /RangeError: boom at step 20\n\s+at train/);
    const { id } = lastJson<{ id: string }>(result.stdout);
    const run = await getRun(id);
    assert.equal(run?.state, "failed");
    assert.match(run?.error ?? "", /RangeError: boom at step 20/);
    assert.deepEqual(await metricCounts(id), { loss: { points: 20, rollup: 20 } });
  });

  it("a script that ends without finish() is finished on exit: finished, or failed with a non-zero exitCode", async () => {
    const source = (code: number) => `
      import * as sweeplab from __CLIENT__;
      const run = await sweeplab.init({ project: "noexit" });
      for (let step = 0; step < 30; step++) run.log({ loss: step / 10 });
      run.summary.note = 1;
      ${code ? `process.exitCode = ${code};` : ""}
      console.log(JSON.stringify({ id: run.id }));
    `;
    for (const code of [0, 3]) {
      const result = await runScript(dir, `noexit${code}.mjs`, source(code), env());
      assert.equal(result.code, code, result.stderr);
      const { id } = lastJson<{ id: string }>(result.stdout);
      const run = await getRun(id);
      assert.equal(run?.state, code ? "failed" : "finished");
      if (code) assert.match(run?.error ?? "", /exit code 3/);
      assert.deepEqual(await metricCounts(id), { loss: { points: 30, rollup: 30 } });
      assert.equal(run?.summary.note, 1);
    }
  });

  it("skips what the server would refuse (a bad name, a string) with a warning; names nested values with dots", async () => {
    const result = await runScript(
      dir,
      "bad.mjs",
      `
      import * as sweeplab from __CLIENT__;
      const run = await sweeplab.init({ project: "bad" });
      run.log({ ok: 1, "has  two spaces": 2, text: "x", flag: true, train: { loss: 0.5, inner: { acc: 1 } }, constructor: 7 }, { step: 0 });
      // a loop that never awaits: everything waits in the queue, then goes in batches
      for (let step = 1; step <= 30000; step++) run.log({ ok: step, constructor: -step });
      await run.finish();
      console.log(JSON.stringify({ id: run.id }));
      `,
      env(),
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /"has  two spaces" is not logged/);
    assert.match(result.stderr, /"text" is not a number/);
    const { id } = lastJson<{ id: string }>(result.stdout);
    const counts = await metricCounts(id);
    assert.deepEqual(Object.keys(counts).sort(), ["constructor", "flag", "ok", "train.inner.acc", "train.loss"]);
    assert.deepEqual([counts.ok, counts.constructor], [{ points: 30001, rollup: 30001 }, { points: 30001, rollup: 30001 }]);
  });

  it("sends metric, summary and config names in any script (学习率, val/точность), as the Python client does; drops only what the server refuses", async () => {
    const result = await runScript(
      dir,
      "unicode.mjs",
      `
      import * as sweeplab from __CLIENT__;
      const run = await sweeplab.init({ project: "unicode", config: { 学习率: 0.1, größe: { 层数: 2 } }, tags: ["实验"] });
      for (let step = 0; step < 3; step++) run.log({ 损失: 1 / (step + 1), "val/точность": 0.5 + step / 10, "cafe\u0301": step, "学习\u3000率": 1, ["𝒳".repeat(128)]: 1 });
      run.config.update({ 批量: 32 });
      run.summary.update({ 最佳: 0.9 });
      await run.finish();
      console.log(JSON.stringify({ id: run.id }));
      `,
      env(),
    );
    assert.equal(result.code, 0, result.stderr);
    const run = (await getRun(lastJson<{ id: string }>(result.stdout).id))!;
    assert.deepEqual(run.config, { 学习率: 0.1, "größe.层数": 2, 批量: 32 });
    assert.deepEqual(run.tags, ["实验"]);
    assert.equal(run.summary["最佳"], 0.9);
    assert.deepEqual((await readPoints(run.id, "损失")).map((p) => p.value), [1, 0.5, 1 / 3]);
    assert.deepEqual((await readPoints(run.id, "val/точность")).map((p) => p.value), [0.5, 0.6, 0.7]);
    assert.deepEqual((await readPoints(run.id, "cafe\u0301")).map((p) => p.value), [0, 1, 2]);
    assert.equal((await readPoints(run.id, "𝒳".repeat(128))).length, 3, "128 code points (256 UTF-16 units) is a name");
    assert.match(result.stderr, /"学习\u3000率" is not logged/);
    assert.equal(result.stderr.match(/is not logged/g)?.length, 1, result.stderr);
  });

  it("sends names with inner spaces (val loss, train acc (%)), as wandb.log takes them; drops a name with two spaces or one at an end", async () => {
    const result = await runScript(
      dir,
      "spaces.mjs",
      `
      import * as sweeplab from __CLIENT__;
      const run = await sweeplab.init({ project: "spaces", config: { "learning rate": 0.1, model: { "hidden size": 64 } } });
      for (let step = 0; step < 3; step++) run.log({ "val loss": 1 / (step + 1), "train acc (%)": 50 + step, "val  loss": 1, "val loss ": 1 });
      run.summary.update({ "best val loss": 0.25 });
      await run.finish();
      console.log(JSON.stringify({ id: run.id }));
      `,
      env(),
    );
    assert.equal(result.code, 0, result.stderr);
    const run = (await getRun(lastJson<{ id: string }>(result.stdout).id))!;
    assert.deepEqual(run.config, { "learning rate": 0.1, "model.hidden size": 64 });
    assert.equal(run.summary["best val loss"], 0.25);
    assert.deepEqual((await readPoints(run.id, "val loss")).map((p) => p.value), [1, 0.5, 1 / 3]);
    assert.deepEqual((await readPoints(run.id, "train acc (%)")).map((p) => p.value), [50, 51, 52]);
    assert.equal(result.stderr.match(/is not logged/g)?.length, 2, result.stderr);
  });

  it("stores a NaN or ±Infinity config value by its name, as the Python client does (not as null)", async () => {
    const result = await runScript(
      dir,
      "nanconfig.mjs",
      `
      import * as sweeplab from __CLIENT__;
      const run = await sweeplab.init({ project: "nanconfig", config: { nan: NaN, inf: Infinity, ninf: -Infinity, nested: { x: NaN }, list: [1, NaN, -Infinity] } });
      run.config.later = NaN;
      run.config.update({ later_inf: -Infinity });
      await run.finish();
      console.log(JSON.stringify({ id: run.id }));
      `,
      env(),
    );
    assert.equal(result.code, 0, result.stderr);
    const stored = (await getRun(lastJson<{ id: string }>(result.stdout).id))!.config;
    const want = { nan: "NaN", inf: "Infinity", ninf: "-Infinity", "nested.x": "NaN", list: [1, "NaN", "-Infinity"], later: "NaN", later_inf: "-Infinity" };
    assert.deepEqual(stored, want);

    // the Python client, given the same config, stores the same
    const python = spawnSync(
      "python3",
      ["-c", "import sweeplab, math; run = sweeplab.init(project='nanconfig', config={'nan': math.nan, 'inf': math.inf, 'ninf': -math.inf, 'nested': {'x': math.nan}, 'list': [1, math.nan, -math.inf]}); run.config.later = math.nan; run.config.update({'later_inf': -math.inf}); print(run.id); sweeplab.finish()"],
      { cwd: dir, env: { PATH: process.env.PATH ?? "", PYTHONPATH: path.join(root, "clients/python"), SWEEPLAB_URL: srv.base } as unknown as NodeJS.ProcessEnv, encoding: "utf8" },
    );
    assert.equal(python.status, 0, python.stderr);
    assert.deepEqual((await getRun(python.stdout.trim().split("\n").pop()!))!.config, want);
  });

  it("in a program sweep, sends the program's config defaults the sweep did not choose; the sweep's values win", async () => {
    const work = path.join(dir, "swept");
    fs.mkdirSync(work, { recursive: true });
    // the user's program: its own defaults, some of them swept (lr, opt.name), some not
    fs.writeFileSync(
      path.join(work, "train.mjs"),
      `
      import * as sweeplab from ${JSON.stringify(pathToFileURL(clientModule).href)};
      const run = await sweeplab.init({ config: { width: 32, extra: "ts-default", lr: 0.5, opt: { name: "sgd", momentum: 0.9 } } });
      const c = run.config;
      run.log({ loss: c.lr, width: c.width, momentum: c.opt.momentum, adam: c.opt.name === "adam" ? 1 : 0 });
      await run.finish();
      `,
    );
    const yaml = "program: train.mjs\nproject: tsswept\nmethod: grid\nmetric: {name: loss, goal: minimize}\nparameters:\n  act: {values: [relu, tanh]}\n  lr: {value: 0.1}\n  opt:\n    parameters:\n      name: {value: adam}\n";
    const created = await fetch(`${srv.base}/api/sweeps`, { method: "POST", body: yaml, headers: { "content-type": "application/yaml" } });
    assert.equal(created.status, 201);
    const sweepId = ((await created.json()) as { id: string }).id;

    // an agent started in the program's folder runs its runs there
    const agent = spawn(process.execPath, ["--import", "tsx", path.join(root, "sweeps/agent-cli.ts"), "--server", srv.base, "--token", AGENT_TOKEN, "--sweep", sweepId, "--concurrency", "2"], {
      cwd: root,
      env: { ...process.env, INIT_CWD: work, SWEEPLAB_AGENT_HOME: path.join(dir, "agent-home") },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let agentErr = "";
    agent.stderr!.on("data", (d: Buffer) => (agentErr += d));
    assert.equal(await new Promise((resolve) => agent.once("exit", resolve)), 0, agentErr);

    const { runs } = (await getJson(`/api/runs?sweep=${sweepId}`)) as { runs: { id: string; state: string; config: Record<string, unknown>; summary: Record<string, unknown> }[] };
    assert.deepEqual(runs.map((r) => r.config.act).sort(), ["relu", "tanh"]);
    for (const r of runs) {
      assert.equal(r.state, "finished");
      // the sweep's values (act, lr, opt.name) over the program's; its other defaults joined them
      assert.deepEqual(r.config, { act: r.config.act, lr: 0.1, "opt.name": "adam", width: 32, extra: "ts-default", "opt.momentum": 0.9 });
      // and the program saw the same config
      assert.deepEqual([r.summary.loss, r.summary.width, r.summary.momentum, r.summary.adam], [0.1, 32, 0.9, 1]);
    }
  });
});
