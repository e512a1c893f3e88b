import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import * as store from "../../../prisma/store";
import type { RunRecord, TablePage, TableRow } from "../../../prisma/store";
import type { LiveTableAnswer } from "../../_lib/runs-live";
import { compareSql, expectedCell, MIXED_COLUMNS, referenceOrder, seedMixedValues, sqlSortKey } from "../../../prisma/testdata/mixed-values";
import * as exportRoute from "../../api/runs/export.csv/route";
import * as csvRoute from "./table.csv/route";
import * as tableRoute from "./table/route";
import * as liveRoute from "./table/live/route";

// The runs table's JSON API (GET /api/compare/table), its CSV (GET /api/compare/table.csv) and
// the sweep's CSV (GET /api/runs/export.csv), in-process against a real SQLite file holding a
// sweep whose columns mix integers and decimals, booleans, nulls, NaN and ±Inf in every column
// kind (prisma/testdata/mixed-values.ts). Every cell, under every sort (both ways), a set of
// filters and seed grouping, is checked against the run as stored. Issue 17 §1: dropout
// 0/0.25/0.5 read 0 in every row, layernorm read 0/1.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-table-api-"));
process.env.DATABASE_URL = `file:${path.join(dir, "table.db")}`;

after(async () => {
  await store.disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

let sweepId = "";
let runs: RunRecord[] = [];
const FIELDS: string[] = ["name", "created", "started", "finished", ...MIXED_COLUMNS];
const SORTS = [...FIELDS, "id", "index", "rerun_of"];

async function json<T>(query: string): Promise<T> {
  const res = await tableRoute.GET(new Request(`http://x/api/compare/table?${query}`));
  assert.equal(res.status, 200, `${query}: ${await res.clone().text()}`);
  return (await res.json()) as T;
}

async function csv(route: { GET: (r: Request) => Promise<Response> }, url: string): Promise<Record<string, string>[]> {
  const res = await route.GET(new Request(`http://x${url}`));
  assert.equal(res.status, 200, url);
  return parse(await res.text(), { columns: true }) as Record<string, string>[];
}

const columnsParam = encodeURIComponent(MIXED_COLUMNS.join(","));
const byId = (id: string) => runs.find((r) => r.id === id)!;

/** What a CSV cell must read for a value. */
function csvText(v: unknown): string {
  if (v === null || v === undefined) return "";
  return String(v);
}

/** A table row (as the API sent it) holds, in every column, what is stored. */
function assertRowMatches(row: TableRow, run: RunRecord, where: string) {
  assert.equal(row.id, run.id, where);
  assert.equal(row.name, run.name, where);
  assert.equal(row.state, run.state, `${where}: state`);
  assert.equal(row.lastStep, run.lastStep, `${where}: step`);
  assert.equal(row.startedAt, run.startedAt, `${where}: started`);
  assert.equal(row.finishedAt, run.finishedAt, `${where}: finished`);
  const runtime = expectedCell(run, "runtime") as number | null;
  if (runtime === null) assert.equal(row.runtime, null, `${where}: runtime`);
  else assert.ok(Math.abs(row.runtime! - runtime) < 1e-9, `${where}: runtime ${row.runtime} vs ${runtime}`);
  for (const c of MIXED_COLUMNS) {
    if (!c.includes(".")) continue;
    assert.deepEqual(row.values[c], expectedCell(run, c), `${where}: ${c} of ${run.name}`);
  }
}

before(async () => {
  ({ sweepId } = await seedMixedValues(store));
  runs = (await store.sweepRuns(sweepId)).map((r) => r);
  // the stored runs, as the store's typed model read gives them
  runs = await Promise.all(runs.map(async (r) => (await store.getRun(r.id))!));
});

describe("the runs table reads every value as stored", () => {
  it("the fixture has what broke it: integers before decimals, booleans, nulls, ±Inf", () => {
    const dropouts = runs.map((r) => expectedCell(r, "config.dropout"));
    assert.deepEqual([...new Set(dropouts)].sort(), [0, 0.125, 0.25, 0.5, "Infinity", null].sort());
    assert.ok(runs.some((r) => r.config.layernorm === true) && runs.some((r) => r.config.layernorm === false));
    assert.ok(runs.some((r) => expectedCell(r, "summary.val_loss") === "Infinity"));
    assert.ok(runs.some((r) => expectedCell(r, "derived.train_val_gap") === "Infinity"));
    assert.ok(runs.some((r) => expectedCell(r, "params.dropout") === "-Infinity"));
    assert.ok(runs.some((r) => r.summary.train_loss === null), "NaN sent through the store is stored as null");
    assert.ok(runs.some((r) => typeof r.summary.train_loss_first_nonfinite_step === "number"));
    // a last value of +inf logged through the store is kept (the diverged run's val_acc), as W&B shows it
    assert.deepEqual(new Set(runs.map((r) => expectedCell(r, "summary.val_acc"))), new Set([1, 0.92, 0.98, "Infinity", null, 0.5]));
  });

  for (const field of SORTS) {
    for (const desc of [false, true]) {
      it(`sorted by ${desc ? "-" : ""}${field}: every cell and the order, in the JSON API and the CSV`, async () => {
        const sort = `${desc ? "-" : ""}${field}`;
        const query = `sweep=${sweepId}&group=none&sort=${encodeURIComponent(sort)}&columns=${columnsParam}`;
        const page = await json<TablePage & { columns: string[] }>(query);
        const now = Date.now();
        assert.equal(page.rows.length, runs.length);
        if (field === "runtime") {
          // runtimes are computed in SQL (julianday) and here (ms): compare values, not tie order
          const values = page.rows.map((r) => r.runtime);
          const ok = values.every((v, i) => i === 0 || v === null || (values[i - 1] !== null && (desc ? values[i - 1]! >= v - 1e-3 : values[i - 1]! <= v + 1e-3)));
          assert.ok(ok, `runtime order ${values.join(",")}`);
        } else assert.deepEqual(page.rows.map((r) => r.id), referenceOrder(runs, { field, desc }, now), `order of ${sort}`);
        for (const row of page.rows) assertRowMatches(row, byId(row.id), sort);

        const records = await csv(csvRoute, `/api/compare/table.csv?${query}`);
        assert.deepEqual(records.map((r) => r.id), page.rows.map((r) => r.id), `CSV order of ${sort}`);
        for (const rec of records) {
          const run = byId(rec.id);
          assert.equal(rec.started, csvText(run.startedAt));
          assert.equal(rec.finished, csvText(run.finishedAt));
          assert.equal(rec.step, String(run.lastStep));
          assert.equal(rec.state, run.state);
          for (const c of MIXED_COLUMNS) if (c.includes(".")) assert.equal(rec[c], csvText(expectedCell(run, c)), `CSV ${sort}: ${c} of ${run.name}`);
        }
      });
    }
  }

  const FILTERS: [string, (run: RunRecord) => boolean][] = (
    [
      ["config.dropout>0", ">", 0],
      ["config.dropout>=0.25", ">=", 0.25],
      ["config.dropout<0.5", "<", 0.5],
      ["config.dropout=0.25", "=", 0.25],
      ["config.dropout!=0", "!=", 0],
      ["config.layernorm=true", "=", true],
      ["config.layernorm=false", "=", false],
      ["config.layernorm!=true", "!=", true],
      ["config.cell=lstm", "=", "lstm"],
      ["config.cell!=gru", "!=", "gru"],
      ["config.seed=1574409985", "=", 1574409985],
      ["config.learning_rate>=1", ">=", 1],
      ["summary.val_acc>=0.92", ">=", 0.92],
      ["summary.val_acc<1", "<", 1],
      ["summary.val/loss>2", ">", 2],
      ["summary.eval/acc@1>=0.9", ">=", 0.9],
      ["summary.val_loss>100", ">", 100],
      ["derived.train_val_gap>0", ">", 0],
      ["derived.first_nonfinite_step>0", ">", 0],
      ["params.dropout<=0.25", "<=", 0.25],
      ["step>=20", ">=", 20],
      ["state=diverged", "=", "diverged"],
    ] as [string, string, unknown][]
  ).map(([text, op, value]) => {
    const field = text.split(/!=|<=|>=|=|<|>/)[0];
    const bound = typeof value === "boolean" ? (value ? 1 : 0) : value;
    return [
      text,
      (run: RunRecord) => {
        const v = expectedCell(run, field);
        if (sqlSortKey(v) === null) return op === "!=";
        const c = compareSql(v, bound);
        return op === "=" ? c === 0 : op === "!=" ? c !== 0 : op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0;
      },
    ];
  });
  FILTERS.push(["config.cell~ls", (r) => JSON.stringify(r.config.cell).includes("ls")], ["config.dropout~0.2", (r) => (JSON.stringify(r.config.dropout) ?? "").includes("0.2")]);

  for (const [filter, keep] of FILTERS) {
    it(`filtered by ${filter}: the runs it keeps, each cell as stored, in the JSON API and the CSV`, async () => {
      const query = `sweep=${sweepId}&group=none&filter=${encodeURIComponent(filter)}&sort=config.dropout&columns=${columnsParam}`;
      const page = await json<TablePage>(query);
      const expected = runs.filter(keep).map((r) => r.id);
      assert.ok(expected.length > 0 && expected.length < runs.length, `${filter} should keep some runs and drop others`);
      assert.deepEqual(page.rows.map((r) => r.id).sort(), [...expected].sort(), filter);
      assert.deepEqual(page.rows.map((r) => r.id), referenceOrder(runs.filter(keep), { field: "config.dropout", desc: false }, Date.now()));
      for (const row of page.rows) assertRowMatches(row, byId(row.id), filter);
      const records = await csv(csvRoute, `/api/compare/table.csv?${query}`);
      assert.deepEqual(records.map((r) => r.id), page.rows.map((r) => r.id));
      for (const rec of records) for (const c of MIXED_COLUMNS) if (c.includes(".")) assert.equal(rec[c], csvText(expectedCell(byId(rec.id), c)), `${filter}: ${c}`);
    });
  }

  for (const sort of ["config.dropout", "-config.dropout", "summary.val_acc", "-summary.val_acc", "-config.layernorm", "derived.train_val_gap", "summary.val/loss"]) {
    it(`seed replicates grouped, sorted by ${sort}: each configuration's values and means from its members as stored`, async () => {
      const query = `sweep=${sweepId}&group=seeds&sort=${encodeURIComponent(sort)}&columns=${columnsParam}`;
      const page = await json<TablePage>(query);
      assert.equal(page.runs, runs.length);
      const members = page.rows.flatMap((r) => r.group!.members.map((m) => m.id));
      assert.deepEqual([...members].sort(), runs.map((r) => r.id).sort(), "every run in exactly one configuration");
      for (const row of page.rows) {
        const group = row.group!;
        assert.equal(group.count, group.members.length);
        for (const m of group.members) assertRowMatches(m, byId(m.id), `${sort} member`);
        const stored = group.members.map((m) => byId(m.id));
        for (const c of MIXED_COLUMNS) {
          if (!c.includes(".")) continue;
          const vs = stored.map((r) => expectedCell(r, c));
          if (c === "config.seed") assert.equal(row.values[c], null);
          else if (c.startsWith("config.") || c.startsWith("params.")) assert.deepEqual(row.values[c], vs.every((v) => JSON.stringify(v) === JSON.stringify(vs[0])) ? vs[0] : null, c);
          else {
            const finite = vs.filter((v): v is number => typeof v === "number");
            const stat = group.stats[c];
            if (finite.length === 0 && !vs.some((v) => typeof v === "number")) continue;
            assert.equal(stat.n, finite.length, `${c}: n`);
            if (finite.length) assert.ok(Math.abs(stat.mean! - finite.reduce((a, b) => a + b, 0) / finite.length) < 1e-12, `${c}: mean`);
            assert.equal(row.values[c], stat.mean);
          }
        }
      }
      // configurations in the column's order (mean or shared value), missing last
      const field = sort.replace(/^-/, "");
      const desc = sort.startsWith("-");
      const keys = page.rows.map((r) => (r.group!.stats[field] ? r.group!.stats[field].mean : r.values[field]));
      for (let i = 1; i < keys.length; i++) {
        const [a, b] = [sqlSortKey(keys[i - 1]), sqlSortKey(keys[i])];
        if (b === null) continue;
        assert.ok(a !== null, `${sort}: missing before present`);
        assert.ok(compareSql(keys[i - 1], keys[i]) * (desc ? -1 : 1) <= 0, `${sort}: ${keys.join(", ")}`);
      }
      const records = await csv(csvRoute, `/api/compare/table.csv?${query}`);
      assert.deepEqual(records.map((r) => r.id), page.rows.map((r) => r.id));
      for (const [i, rec] of records.entries()) {
        const row = page.rows[i];
        assert.equal(rec.runs, String(row.group!.count));
        for (const c of MIXED_COLUMNS) {
          if (!c.includes(".")) continue;
          assert.equal(rec[c], csvText(row.values[c]), `grouped CSV ${c}`);
          if (row.group!.stats[c]) assert.equal(rec[`${c} ±95%`], csvText(row.group!.stats[c].ci95));
        }
      }
    });
  }

  it("the live rows (GET /api/compare/table/live, the table's poll) are the view's rows of those runs, ungrouped and folded, and its stamp the pages' count", async () => {
    const live = async (query: string) => {
      const res = await liveRoute.GET(new Request(`http://x/api/compare/table/live?${query}`));
      return { status: res.status, body: (await res.json()) as LiveTableAnswer & { error?: string } };
    };
    const ids = [runs[1].id, runs[4].id];
    const { status, body } = await live(`sweep=${sweepId}&live=${ids.join(",")}&columns=${columnsParam}&group=none&sort=-summary.val_acc`);
    assert.equal(status, 200);
    assert.deepEqual(new Set(body.rows.map((r) => r.id)), new Set(ids));
    for (const row of body.rows) assertRowMatches(row, byId(row.id), "live");
    // folded as the view folds: a configuration's row from all its runs is the view's row
    const view = await json<TablePage>(`sweep=${sweepId}&group=seeds&columns=${columnsParam}`);
    const configuration = view.rows.find((r) => r.group!.count > 1)!;
    const folded = await live(`sweep=${sweepId}&live=${configuration.group!.members.map((m) => m.id).join(",")}&columns=${columnsParam}&group=seeds`);
    assert.equal(folded.body.rows.length, 1);
    assert.deepEqual(folded.body.rows[0].group!.stats, configuration.group!.stats);
    assert.deepEqual(folded.body.rows[0].values, configuration.values);
    // the view's filter holds: a polled run that no longer matches it is not among the rows, and
    // the stamp is the count and newest run a page of the same view gives (so the table reads
    // its pages again when, and only when, they move)
    for (const filter of ["summary.val_loss<2", "config.dropout>0", "summary.val_acc>=0.5"]) {
      const viewQuery = `sweep=${sweepId}&filter=${encodeURIComponent(filter)}&columns=${columnsParam}`;
      const page = await json<TablePage>(`${viewQuery}&group=none&limit=1`);
      const polled = await live(`${viewQuery}&group=none&live=${runs.map((r) => r.id).join(",")}`);
      const matching = (await json<TablePage>(`${viewQuery}&group=none&limit=1000`)).rows.map((r) => r.id);
      assert.ok(matching.length > 0 && matching.length < runs.length, filter);
      assert.deepEqual(new Set(polled.body.rows.map((r) => r.id)), new Set(matching), filter);
      assert.deepEqual(polled.body.stamp, { runs: page.runs, newest: page.newest, all: await store.countRuns() }, filter);
      const grouped = await json<TablePage>(`${viewQuery}&group=seeds`);
      assert.deepEqual((await live(`${viewQuery}&group=seeds`)).body.stamp, { runs: grouped.runs, newest: page.newest, all: await store.countRuns() }, filter);
      // asked for the rows alone, it counts nothing
      assert.deepEqual((await live(`${viewQuery}&group=none&live=${runs.map((r) => r.id).join(",")}&stamp=0`)).body.stamp, null);
    }
    // nothing live: the stamp alone
    const idle = await live(`sweep=${sweepId}&columns=${columnsParam}&group=none&live=`);
    assert.deepEqual([idle.body.rows, idle.body.stamp?.runs], [[], runs.length]);
    // it names its columns and grouping, and at most 2,000 runs
    assert.equal((await live(`live=${ids[0]}&group=none`)).status, 400);
    assert.equal((await live(`live=${ids[0]}&columns=${columnsParam}`)).status, 400);
    assert.equal((await live(`live=${Array.from({ length: 2001 }, (_, i) => `run${i}`).join(",")}&columns=${columnsParam}&group=none`)).status, 400);
  });

  it("the sweep's CSV (export all) agrees with every stored run, in every config and summary column", async () => {
    const records = await csv(exportRoute, `/api/runs/export.csv?sweep=${sweepId}&sort=index`);
    assert.deepEqual(records.map((r) => r.id), runs.map((r) => r.id));
    for (const rec of records) {
      const run = byId(rec.id);
      assert.equal(rec.created, run.createdAt);
      assert.equal(rec.started, csvText(run.startedAt));
      assert.equal(rec.finished, csvText(run.finishedAt));
      for (const [k, v] of Object.entries(run.config)) assert.equal(rec[`config.${k}`], csvText(expectedCell(run, `config.${k}`)), `config.${k}: ${JSON.stringify(v)}`);
      for (const k of Object.keys(run.summary)) if (!k.startsWith("_")) assert.equal(rec[`summary.${k}`], csvText(expectedCell(run, `summary.${k}`)), `summary.${k}`);
    }
  });
});

describe("a config key that did not apply (issue 16)", () => {
  it("is an empty cell in the runs table and its CSV, sorts with the missing values and matches no filter; a program's config keeps it", async () => {
    const sweep = await store.createSweep({ name: "applies", config: { method: "grid" }, rawConfig: "method: grid", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed: 0, state: "finished" });
    const make = (index: number, config: Record<string, unknown>) => store.createRun({ sweepId: sweep.id, index, config });
    const adam = await make(0, { task: "charlm", optimizer: "adam", momentum: 0.9, cell: "lstm", activation: "tanh", forget_bias: "chrono" });
    const slow = await make(1, { task: "charlm", optimizer: "momentum", momentum: 0.5, cell: "rnn", activation: "relu", forget_bias: "chrono" });
    const fast = await make(2, { task: "charlm", optimizer: "momentum", momentum: 0.95, cell: "gru", activation: "tanh", forget_bias: "one" });
    const mlp = await make(3, { task: "quadrant", optimizer: "sgd", momentum: 0.9, cell: "lstm", activation: "relu", forget_bias: "one" });
    const program = await make(4, { optimizer: "adam", momentum: 0.7 }); // no engine task: free names
    const columns = "config.momentum,config.activation,config.forget_bias";
    const page = await json<TablePage>(`sweep=${sweep.id}&columns=${columns}&sort=index&limit=50`);
    const cells = Object.fromEntries(page.rows.map((r) => [r.id, [r.values["config.momentum"], r.values["config.activation"], r.values["config.forget_bias"]]]));
    assert.deepEqual(cells, {
      [adam.id]: [null, null, "chrono"], // adam: no momentum; an LSTM: no activation, its forget bias
      [slow.id]: [0.5, "relu", null], // a vanilla RNN: its activation, no forget bias
      [fast.id]: [0.95, null, null], // a GRU: neither
      [mlp.id]: [null, "relu", null], // the MLP of quadrant: its activation whatever `cell` says
      [program.id]: [0.7, null, null], // a program's config is its own (it has no activation key)
    });
    // sorted by momentum, both ways: the runs it did not apply to come last, as missing values do
    for (const desc of [false, true]) {
      const sorted = await json<TablePage>(`sweep=${sweep.id}&columns=${columns}&sort=${desc ? "-" : ""}config.momentum&limit=50`);
      const order = sorted.rows.map((r) => r.id);
      assert.deepEqual(order.slice(0, 3), desc ? [fast.id, program.id, slow.id] : [slow.id, program.id, fast.id]);
      assert.deepEqual(new Set(order.slice(3)), new Set([adam.id, mlp.id]));
    }
    const filtered = await json<TablePage>(`sweep=${sweep.id}&columns=${columns}&filter=${encodeURIComponent("config.momentum>=0.9")}&limit=50`);
    assert.deepEqual(filtered.rows.map((r) => r.id), [fast.id]);
    const records = await csv(csvRoute, `/api/compare/table.csv?sweep=${sweep.id}&columns=${columns}&sort=index`);
    assert.deepEqual(records.map((r) => [r["config.momentum"], r["config.activation"], r["config.forget_bias"]]), [
      ["", "", "chrono"],
      ["0.5", "relu", ""],
      ["0.95", "", ""],
      ["", "relu", ""],
      ["0.7", "", ""],
    ]);
  });

  it("nor does a key of another task (delay of a charlm run, cell of quadrant's MLP): empty in the table and its CSV, matched by no filter", async () => {
    const sweep = await store.createSweep({ name: "task-keys", config: { method: "grid" }, rawConfig: "method: grid", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed: 0, state: "finished" });
    const make = (index: number, config: Record<string, unknown>) => store.createRun({ sweepId: sweep.id, index, config });
    const charlm = await make(0, { task: "charlm", cell: "lstm", delay: 5, vocab_size: 8 });
    const recall = await make(1, { task: "delayed_recall", cell: "gru", delay: 7, vocab_size: 8 });
    const quadrant = await make(2, { task: "quadrant", cell: "lstm", delay: 5, vocab_size: 8 });
    const columns = "config.delay,config.vocab_size,config.cell";
    const page = await json<TablePage>(`sweep=${sweep.id}&columns=${columns}&sort=index&limit=50`);
    assert.deepEqual(Object.fromEntries(page.rows.map((r) => [r.id, columns.split(",").map((c) => r.values[c])])), {
      [charlm.id]: [null, null, "lstm"],
      [recall.id]: [7, 8, "gru"],
      [quadrant.id]: [null, null, null],
    });
    const filtered = await json<TablePage>(`sweep=${sweep.id}&columns=${columns}&filter=${encodeURIComponent("config.delay>=5")}&limit=50`);
    assert.deepEqual(filtered.rows.map((r) => r.id), [recall.id]);
    const records = await csv(csvRoute, `/api/compare/table.csv?sweep=${sweep.id}&columns=${columns}&sort=index`);
    assert.deepEqual(records.map((r) => columns.split(",").map((c) => r[c])), [["", "", "lstm"], ["7", "8", "gru"], ["", "", ""]]);
  });
});
