import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { disconnectPrisma } from "../../../prisma/store";
import type { TablePage } from "../../../prisma/store";
import { startRouteServer, type RouteServer } from "../../_server/testdata/start-route-server";
import type { CompareResponse } from "../../_lib/compare-api";
import { parseCompareView } from "../../_lib/compare-view";
import { viewKeys } from "../../_lib/panels";

// Custom panels and tag groups through real HTTP (a route server process, a real SQLite file):
// a view whose URL holds custom panels is saved per project and read back as the page reads it;
// a panel that does not parse is a 400 naming it; the series a panel with a metric on x and a
// regex on y draws come from GET /api/compare and pair as logged; the runs table groups by tag.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-views-"));
const dbUrl = `file:${path.join(dir, "views.db")}`;
process.env.DATABASE_URL = dbUrl;
let srv: RouteServer;
const project = "panels";
const runs: { id: string; tags: string[]; lr: number }[] = [];

async function call(method: string, url: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${srv.base}${url}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** What each run logs: train_loss every step, val_loss and val_acc every 4th, eval_loss (not val_) every 4th. */
const trainLoss = (lr: number, step: number) => 2 / (1 + lr * step) + 0.01;
const valLoss = (lr: number, step: number) => 2.2 / (1 + lr * step) + 0.05;
const valAcc = (lr: number, step: number) => 0.3 + step / (100 + lr);

before(async () => {
  srv = await startRouteServer({ DATABASE_URL: dbUrl, SWEEPLAB_DATA_DIR: dir, SWEEPLAB_CONCURRENCY: "0" });
  for (const [i, tags] of [["base", "lr"], ["lr"], []].entries()) {
    const lr = 0.1 * (i + 1);
    const created = await call("POST", "/api/runs", { project, name: `r${i}`, config: { lr }, tags });
    assert.equal(created.status, 201, `${JSON.stringify(created.json)} ${srv.output()}`);
    const id = (created.json.run as { id: string }).id;
    const metrics = Array.from({ length: 30 }, (_, step) => ({
      step,
      time: step * 0.5,
      values: { train_loss: trainLoss(lr, step), ...(step % 4 === 3 ? { val_loss: valLoss(lr, step), val_acc: valAcc(lr, step), eval_loss: 1 } : {}) },
    }));
    assert.equal((await call("POST", `/api/runs/${id}/events`, { seq: 1, metrics })).status, 200);
    assert.equal((await call("POST", `/api/runs/${id}/finish`, { state: "finished" })).status, 200);
    runs.push({ id, tags, lr });
  }
});

after(async () => {
  srv?.server.kill("SIGKILL");
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("custom panels over HTTP", () => {
  it("saves a view's panels per project and gives them back as the page reads them", async () => {
    const query = `runs=${runs.map((r) => r.id).join(",")}&metrics=-&panel=x:metric:train_loss;smooth:none;re:val_.*&panel=y:train_loss;group:run:tags;band:std`;
    const saved = await call("POST", "/api/views", { project, name: "loss vs acc", query });
    assert.equal(saved.status, 201, JSON.stringify(saved.json));
    assert.equal((saved.json.view as { query: string }).query, query);
    const listed = await call("GET", `/api/views?project=${project}&page=compare`);
    const views = listed.json.views as { name: string; query: string }[];
    assert.deepEqual(views.map((v) => v.name), ["loss vs acc"]);
    const view = parseCompareView(new URLSearchParams(views[0].query));
    assert.deepEqual(view.panels, [
      { x: { metric: "train_loss" }, y: [], smooth: { kind: "none", amount: 0 }, re: "val_.*" },
      { y: ["train_loss"], group: "run:tags", band: "std" },
    ]);
    // another project does not see it
    assert.deepEqual((await call("GET", "/api/views?project=default&page=compare")).json.views, []);
  });

  it("refuses a view whose panel does not parse, naming the panel and its field", async () => {
    const bad = await call("POST", "/api/views", { project, name: "broken", query: "metrics=val_loss&panel=y:a&panel=x:metric:train_loss;re:val_(" });
    assert.equal(bad.status, 400);
    const issues = bad.json.issues as { path: string; message: string }[];
    assert.equal(issues.length, 1);
    assert.equal(issues[0].path, "query");
    assert.match(issues[0].message, /^panel 2: re: not a regular expression/);
    assert.equal(((await call("GET", `/api/views?project=${project}`)).json.views as unknown[]).length, 1);
  });

  it("the compare endpoint gives what a metric-on-x, regex-on-y panel pairs, as logged", async () => {
    const ids = runs.map((r) => r.id).join(",");
    const first = await call("GET", `/api/compare?runs=${ids}&keys=train_loss`);
    assert.equal(first.status, 200);
    const names = (first.json as unknown as CompareResponse).names;
    assert.deepEqual(names, ["eval_loss", "train_loss", "val_acc", "val_loss"]);
    const view = parseCompareView(new URLSearchParams("metrics=-&panel=x:metric:train_loss;re:val_.*"));
    const keys = viewKeys(view.metrics, view.panels, names);
    assert.deepEqual(keys, ["train_loss", "val_acc", "val_loss"]);
    const res = await call("GET", `/api/compare?runs=${ids}&keys=${keys.join(",")}`);
    const data = res.json as unknown as CompareResponse;
    for (const r of runs) {
      const series = data.series[r.id];
      assert.deepEqual(Object.keys(series).sort(), ["train_loss", "val_acc", "val_loss"]);
      assert.equal(data.runs.find((x) => x.id === r.id)!.tags.join(","), r.tags.join(","));
      // each val point has the train_loss of its own step
      const xAt = new Map(series.train_loss.map(([s, v]) => [s, v]));
      for (const [metric, f] of [["val_loss", valLoss], ["val_acc", valAcc]] as const) {
        assert.equal(series[metric].length, 7);
        for (const [step, value] of series[metric]) {
          assert.equal(step % 4, 3);
          assert.equal(value, f(r.lr, step));
          assert.equal(xAt.get(step), trainLoss(r.lr, step));
        }
      }
    }
  });
});

describe("the runs table grouped by tag over HTTP", () => {
  it("one row per tag, a run with two tags in both, untagged runs together; runs counted once", async () => {
    const res = await call("GET", `/api/compare/table?project=${project}&group=tags&columns=config.lr,summary.val_loss&sort=name`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const page = res.json as unknown as TablePage & { grouped: boolean };
    assert.equal(page.grouped, true);
    assert.equal(page.runs, 3);
    const rows = new Map(page.rows.map((r) => [r.group!.tag, r]));
    assert.deepEqual([...rows.keys()].sort(), ["", "base", "lr"]);
    const members = (tag: string) => rows.get(tag)!.group!.members.map((m) => m.id).sort();
    assert.deepEqual(members("lr"), [runs[0].id, runs[1].id].sort());
    assert.deepEqual(members("base"), [runs[0].id]);
    assert.deepEqual(members(""), [runs[2].id]);
    assert.equal(rows.get("")!.group!.label, "(no tag)");
    // the tag row's summary is the mean over its runs' final val_loss
    const final = (lr: number) => valLoss(lr, 27);
    assert.ok(Math.abs((rows.get("lr")!.values["summary.val_loss"] as number) - (final(runs[0].lr) + final(runs[1].lr)) / 2) < 1e-12);
    const bad = await call("GET", `/api/compare/table?group=tag`);
    assert.equal(bad.status, 400);
    assert.deepEqual((bad.json.issues as { path: string; message: string }[]).map((i) => [i.path, i.message]), [["group", "must be seeds, runs, tags or none"]]);
  });
});
