import { testDatabaseUrl } from "../../../prisma/testdata/test-database";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { disconnectPrisma } from "../../../prisma/store";
import { startRouteServer, type RouteServer } from "../../_server/testdata/start-route-server";

// Metric and config names in any script (`学习率`, `größe`, `val/точность`) and with inner spaces
// (`val loss`, `train acc (%)`), as W&B takes them, from the logging API to every reader, over
// real HTTP (a real server process) on the database npm test gives this file: a SQLite file, then
// (SWEEPLAB_TEST_DATABASE=postgresql) a PostgreSQL database of its own. Their names sit in JSON
// paths (SQLite) and jsonb keys (PostgreSQL). A filter names a key with spaces quoted,
// summary."val loss">0.5, as the table writes it, or bare.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-unicode-"));
const dbUrl = await testDatabaseUrl(path.join(dir, "unicode.db"));
process.env.DATABASE_URL = dbUrl;
let srv: RouteServer;

after(async () => {
  srv?.server.kill("SIGKILL");
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

const LR = "学习率";
const LOSS = "损失";
const ACC = "val/точность";
/** `café` with its accent as a combining mark (NFD), a name of its own beside the composed one. */
const CAFE = "cafe\u0301";
const SPACED = { LR: "learning rate", LOSS: "val loss", ACC: "train acc (%)", OPT: "optimizer (name)" };

async function post(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${srv.base}${url}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function get(url: string, params: Record<string, string | string[]>): Promise<Response> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of [v].flat()) q.append(k, x);
  const res = await fetch(`${srv.base}${url}?${q}`);
  assert.equal(res.status, 200, `${url}?${q}: ${await res.clone().text()}`);
  return res;
}
const getJson = async <T>(url: string, params: Record<string, string | string[]>) => (await (await get(url, params)).json()) as T;

/** Three runs of one program: learning rates 0.1, 0.01, 0.001, each logging a loss and an accuracy. */
const runs: { id: string; lr: number; loss: number }[] = [];
/** The same three runs, named with spaces, in project "spaced". */
const spaced: { id: string; lr: number; loss: number }[] = [];

/**
 * Three runs of one program in `project` with learning rates 0.1, 0.01, 0.001: run i's config,
 * its loss (i + 1) / (step + 1) and accuracy at steps 0-2, and one summary key; finished.
 */
async function logThreeRuns(project: string, names: { lr: string; loss: string; acc: string }, config: (i: number) => Record<string, unknown>, acc: (i: number, step: number) => number, summary: Record<string, number>) {
  const logged: { id: string; lr: number; loss: number }[] = [];
  for (const [i, lr] of [0.1, 0.01, 0.001].entries()) {
    const created = await post("/api/runs", { project, name: `r${i}`, config: { [names.lr]: lr, ...config(i) } });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const id = (created.json.run as { id: string }).id;
    const metrics = [0, 1, 2].map((step) => ({ step, time: step, values: { [names.loss]: (i + 1) / (step + 1), [names.acc]: acc(i, step) } }));
    const events = await post(`/api/runs/${id}/events`, { seq: 1, metrics, summary });
    assert.equal(events.status, 200, JSON.stringify(events.json));
    assert.equal((await post(`/api/runs/${id}/finish`, { state: "finished" })).status, 200);
    logged.push({ id, lr, loss: (i + 1) / 3 });
  }
  return logged;
}

before(async () => {
  srv = await startRouteServer({ DATABASE_URL: dbUrl, SWEEPLAB_DATA_DIR: dir, SWEEPLAB_CONCURRENCY: "0" });
  runs.push(...(await logThreeRuns("unicode", { lr: LR, loss: LOSS, acc: ACC }, (i) => ({ größe: { 层数: i + 1 }, [CAFE]: "au lait" }), (i, step) => 0.5 + i / 10 + step / 100, { "最佳/步": 2 })));
  const { LR: lr, LOSS: loss, ACC: acc, OPT } = SPACED;
  const config = (i: number) => ({ model: { "hidden size": 32 * (i + 1) }, [OPT]: i === 0 ? "adam w" : "sgd" });
  spaced.push(...(await logThreeRuns("spaced", { lr, loss, acc }, config, (i, step) => 50 + 10 * i + step, { "best epoch [ema]": 2 })));
});

type Table = { rows: { id: string; values: Record<string, unknown> }[]; columns: string[] };

describe("names in any script", () => {
  it("the logging API stores them: config (nested keys flattened), metrics, summary", async () => {
    const run = (await getJson<{ run: { config: Record<string, unknown>; summary: Record<string, unknown> } }>(`/api/runs/${runs[0].id}`, {})).run;
    assert.deepEqual(run.config, { [LR]: 0.1, "größe.层数": 1, [CAFE]: "au lait" });
    assert.equal(run.summary[LOSS], 1 / 3);
    assert.equal(run.summary["最佳/步"], 2);
  });

  it("still refuses what would break a column name: a space at an end, spaces of other scripts, invisible characters, a leading mark, filter operators", async () => {
    for (const bad of [" 学习率", "学习\u3000率", "a\u200bb", "a\u200eb", "\u0301a", "x=学", "ß!"]) {
      const res = await post("/api/runs", { project: "unicode", config: { [bad]: 1 } });
      assert.equal(res.status, 400, `${JSON.stringify(bad)}: ${JSON.stringify(res.json)}`);
      assert.deepEqual((res.json.issues as { path: string }[]).map((i) => i.path), [`config.${bad}`]);
    }
    const long = await post("/api/runs", { project: "unicode", config: { ["𝒳".repeat(128)]: 1, ["損".repeat(129)]: 2 } });
    assert.deepEqual((long.json.issues as { path: string }[]).map((i) => i.path), [`config.${"損".repeat(129)}`], "128 characters (code points), not UTF-16 units");
  });

  it("the runs table shows them as columns by default, sorts and filters by them (filter=config.学习率=0.1)", async () => {
    const byDefault = await getJson<Table>("/api/compare/table", { project: "unicode" });
    for (const c of [`config.${LR}`, `config.größe.层数`, `summary.${LOSS}`, `summary.${ACC}`]) assert.ok(byDefault.columns.includes(c), `${c} in ${byDefault.columns}`);
    const columns = `config.${LR},summary.${LOSS},config.${CAFE}`;
    const sorted = await getJson<Table>("/api/compare/table", { project: "unicode", columns, sort: `-config.${LR}` });
    assert.deepEqual(sorted.rows.map((r) => r.values[`config.${LR}`]), [0.1, 0.01, 0.001]);
    assert.deepEqual(sorted.rows.map((r) => r.values[`summary.${LOSS}`]), runs.map((r) => r.loss));
    assert.deepEqual(sorted.rows.map((r) => r.values[`config.${CAFE}`]), ["au lait", "au lait", "au lait"]);
    const bySummary = await getJson<Table>("/api/compare/table", { project: "unicode", columns, sort: `-summary.${LOSS}` });
    assert.deepEqual(bySummary.rows.map((r) => r.id), runs.map((r) => r.id).reverse());
    for (const [filter, want] of [
      [`config.${LR}=0.1`, [runs[0].id]],
      [`config.${LR}<0.05`, [runs[1].id, runs[2].id]],
      [`summary.${LOSS}>=0.6`, [runs[1].id, runs[2].id]],
      [`config.größe.层数!=2`, [runs[0].id, runs[2].id]],
      [`summary.${ACC}~0.5`, [runs[0].id]],
    ] as const) {
      const table = await getJson<Table>("/api/compare/table", { project: "unicode", columns, sort: `-config.${LR}`, filter });
      assert.deepEqual(table.rows.map((r) => r.id), want, filter);
      const listed = await getJson<{ runs: { id: string }[] }>("/api/runs", { project: "unicode", sort: `-config.${LR}`, filter });
      assert.deepEqual(listed.runs.map((r) => r.id), want, `/api/runs ${filter}`);
    }
  });

  it("both CSV exports name their columns config.学习率 and summary.损失, with the runs' values", async () => {
    const columns = `state,config.${LR},summary.${LOSS},summary.${ACC}`;
    for (const url of ["/api/runs/export.csv", "/api/compare/table.csv"]) {
      const res = await get(url, { project: "unicode", columns, sort: `config.${LR}`, filter: `config.${LR}>=0.01` });
      assert.match(res.headers.get("content-type") ?? "", /charset=utf-8/);
      const records = parse(await res.text(), { columns: true }) as Record<string, string>[];
      assert.deepEqual(records.map((r) => [r[`config.${LR}`], r[`summary.${LOSS}`]]), [["0.01", String(2 / 3)], ["0.1", String(1 / 3)]], url);
      assert.equal(records[0][`summary.${ACC}`], "0.62", url);
    }
  });

  it("a run's metric history, its downloads and the compare view list and serve them", async () => {
    const { id } = runs[1];
    const history = await getJson<{ names: string[]; series: Record<string, { step: number; value: number }[]> }>(`/api/runs/${id}/metrics`, { keys: LOSS });
    assert.deepEqual(history.names, [ACC, LOSS].sort());
    assert.deepEqual(history.series[LOSS].map((p) => [p.step, p.value]), [[0, 2], [1, 1], [2, 2 / 3]]);
    const csv = parse(await (await get(`/api/runs/${id}/metrics.csv`, {})).text(), { columns: true }) as Record<string, string>[];
    assert.deepEqual(csv.map((r) => [r.step, r[LOSS], r[ACC]]), [["0", "2", "0.6"], ["1", "1", "0.61"], ["2", String(2 / 3), "0.62"]]);
    const jsonl = (await (await get(`/api/runs/${id}/metrics.jsonl`, {})).text()).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(jsonl[0], { _step: 0, _time: 0, [ACC]: 0.6, [LOSS]: 2 });

    const ids = runs.map((r) => r.id).join(",");
    const compare = await getJson<{ series: Record<string, Record<string, unknown[]>> }>("/api/compare", { runs: ids, keys: `${LOSS},${ACC}`, pair: `${LOSS}~${ACC}` });
    for (const r of runs) assert.deepEqual([compare.series[r.id][LOSS].length, compare.series[r.id][ACC].length], [3, 3]);
    const live = await getJson<{ names: string[] }>("/api/compare", { runs: ids, keys: LOSS, since: "0", detail: "1" });
    assert.deepEqual([...live.names].sort(), [ACC, LOSS].sort(), "the compare page's metric list");
  });
});

describe("names with inner spaces", () => {
  const { LR, LOSS, ACC, OPT } = SPACED;
  const runs = spaced;
  it("the logging API stores them: config (nested keys flattened), metrics, summary", async () => {
    const run = (await getJson<{ run: { config: Record<string, unknown>; summary: Record<string, unknown> } }>(`/api/runs/${runs[0].id}`, {})).run;
    assert.deepEqual(run.config, { [LR]: 0.1, "model.hidden size": 32, [OPT]: "adam w" });
    assert.equal(run.summary[LOSS], 1 / 3);
    assert.equal(run.summary["best epoch [ema]"], 2);
  });

  it("still refuses a space at either end, two in a row, one beside a nesting dot, and other whitespace", async () => {
    for (const [config, at] of [
      [{ " lr": 1 }, " lr"],
      [{ "lr ": 1 }, "lr "],
      [{ "val  loss": 1 }, "val  loss"],
      [{ "a. b": 1 }, "a. b"],
      [{ model: { " depth": 1 } }, "model. depth"],
      [{ "val\u00a0loss": 1 }, "val\u00a0loss"],
      [{ "val\tloss": 1 }, "val\tloss"],
    ] as const) {
      const res = await post("/api/runs", { project: "spaced", config });
      assert.equal(res.status, 400, `${JSON.stringify(config)}: ${JSON.stringify(res.json)}`);
      assert.equal((res.json.issues as { path: string }[]).length, 1, JSON.stringify(res.json));
    }
    const res = await post(`/api/runs/${runs[0].id}/events`, { seq: 2, metrics: [{ step: 3, time: 3, values: { "val loss ": 1 } }] });
    assert.equal(res.status, 400, JSON.stringify(res.json));
  });

  it("the runs table shows them as columns by default, sorts by them and filters by them, quoted or not", async () => {
    const byDefault = await getJson<Table>("/api/compare/table", { project: "spaced" });
    for (const c of [`config.${LR}`, `config.model.hidden size`, `summary.${LOSS}`, `summary.${ACC}`]) assert.ok(byDefault.columns.includes(c), `${c} in ${byDefault.columns}`);
    const columns = `config.${LR},summary.${LOSS},config.${OPT}`;
    const sorted = await getJson<Table>("/api/compare/table", { project: "spaced", columns, sort: `-config.${LR}` });
    assert.deepEqual(sorted.rows.map((r) => r.values[`config.${LR}`]), [0.1, 0.01, 0.001]);
    assert.deepEqual(sorted.rows.map((r) => r.values[`summary.${LOSS}`]), runs.map((r) => r.loss));
    const bySummary = await getJson<Table>("/api/compare/table", { project: "spaced", columns, sort: `-summary.${LOSS}` });
    assert.deepEqual(bySummary.rows.map((r) => r.id), runs.map((r) => r.id).reverse());
    // the quoted form a filter chip shows, copied into sort= or columns=: the same column, named plainly
    const quoted = await getJson<Table>("/api/compare/table", { project: "spaced", columns: `config."${LR}",summary."${LOSS}"`, sort: `-summary."${LOSS}"` });
    assert.deepEqual(quoted.rows.map((r) => r.id), bySummary.rows.map((r) => r.id));
    assert.deepEqual(quoted.rows.map((r) => r.values[`summary.${LOSS}`]), bySummary.rows.map((r) => r.values[`summary.${LOSS}`]));
    for (const [filter, want] of [
      [`config."${LR}"=0.1`, [runs[0].id]],
      [`config.${LR}=0.1`, [runs[0].id]],
      [`config."${LR}" < 0.05`, [runs[1].id, runs[2].id]],
      [`summary."${LOSS}">=0.6`, [runs[1].id, runs[2].id]],
      [`summary.${LOSS} >= 0.6`, [runs[1].id, runs[2].id]],
      [`config."model.hidden size"!=64`, [runs[0].id, runs[2].id]],
      [`summary."${ACC}">=60`, [runs[1].id, runs[2].id]],
      [`config."${OPT}"~adam w`, [runs[0].id]],
      [`config."${OPT}"=sgd`, [runs[1].id, runs[2].id]],
      [`summary."best epoch [ema]"=2`, runs.map((r) => r.id)],
    ] as const) {
      const table = await getJson<Table>("/api/compare/table", { project: "spaced", columns, sort: `-config.${LR}`, filter });
      assert.deepEqual(table.rows.map((r) => r.id), want, filter);
      const listed = await getJson<{ runs: { id: string }[] }>("/api/runs", { project: "spaced", sort: `-config.${LR}`, filter });
      assert.deepEqual(listed.runs.map((r) => r.id), want, `/api/runs ${filter}`);
    }
  });

  it("a filter whose quote does not close, or that quotes a name the rule refuses, is a 400 naming the filter", async () => {
    for (const filter of [`summary."${LOSS}>1`, `summary."val  loss">1`, `summary."${LOSS}`]) {
      const res = await fetch(`${srv.base}/api/runs?${new URLSearchParams({ project: "spaced", filter })}`);
      assert.equal(res.status, 400, filter);
      const body = (await res.json()) as { issues: { path: string }[] };
      assert.ok(body.issues.some((i) => i.path.startsWith("filter")), JSON.stringify(body));
    }
  });

  it("both CSV exports name their columns config.learning rate and summary.val loss, with the runs' values", async () => {
    const columns = `state,config.${LR},summary.${LOSS},summary.${ACC}`;
    for (const url of ["/api/runs/export.csv", "/api/compare/table.csv"]) {
      const res = await get(url, { project: "spaced", columns, sort: `config.${LR}`, filter: `config."${LR}">=0.01` });
      const records = parse(await res.text(), { columns: true }) as Record<string, string>[];
      assert.deepEqual(records.map((r) => [r[`config.${LR}`], r[`summary.${LOSS}`]]), [["0.01", String(2 / 3)], ["0.1", String(1 / 3)]], url);
      assert.equal(records[0][`summary.${ACC}`], "62", url);
    }
  });

  it("a run's metric history, its downloads and the compare view list and serve them", async () => {
    const { id } = runs[1];
    const history = await getJson<{ names: string[]; series: Record<string, { step: number; value: number }[]> }>(`/api/runs/${id}/metrics`, { keys: `${LOSS},${ACC}` });
    assert.deepEqual(history.names, [ACC, LOSS].sort());
    assert.deepEqual(history.series[LOSS].map((p) => [p.step, p.value]), [[0, 2], [1, 1], [2, 2 / 3]]);
    const csv = parse(await (await get(`/api/runs/${id}/metrics.csv`, {})).text(), { columns: true }) as Record<string, string>[];
    assert.deepEqual(csv.map((r) => [r.step, r[LOSS], r[ACC]]), [["0", "2", "60"], ["1", "1", "61"], ["2", String(2 / 3), "62"]]);

    const ids = runs.map((r) => r.id).join(",");
    const compare = await getJson<{ series: Record<string, Record<string, unknown[]>> }>("/api/compare", { runs: ids, keys: `${LOSS},${ACC}`, pair: `${LOSS}~${ACC}` });
    for (const r of runs) assert.deepEqual([compare.series[r.id][LOSS].length, compare.series[r.id][ACC].length], [3, 3]);
    const live = await getJson<{ names: string[] }>("/api/compare", { runs: ids, keys: LOSS, since: "0", detail: "1" });
    assert.deepEqual([...live.names].sort(), [ACC, LOSS].sort(), "the compare page's metric list");
  });
});
