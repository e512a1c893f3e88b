import { testDatabaseUrl } from "../../../prisma/testdata/test-database";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createRun, createSweep, disconnectPrisma, finishRun } from "../../../prisma/store";
import * as runsRoute from "./route";
import * as exportRoute from "./export.csv/route";
import * as tableRoute from "../compare/table/route";
import * as tableCsvRoute from "../compare/table.csv/route";
import * as liveRoute from "../compare/table/live/route";

// Every route that reads a runs view (filter=, sweep=) answers a wrong one with the error shape,
// never with a silent empty answer: a filter it cannot mean is a 400 naming `filter`, an unknown
// sweep a 404 naming it — and the filters it can mean still work. In-process, on SQLite, and on
// PostgreSQL with SWEEPLAB_TEST_DATABASE=postgresql.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-query-errors-"));
process.env.DATABASE_URL = await testDatabaseUrl(path.join(dir, "query-errors.db"));

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

type Route = { GET: (req: Request) => Promise<Response> };
/** Each route with what it needs besides the view (the live poll names its columns and grouping). */
const ROUTES: [string, Route, string][] = [
  ["/api/runs", runsRoute, ""],
  ["/api/runs/export.csv", exportRoute, ""],
  ["/api/compare/table", tableRoute, "&group=none"],
  ["/api/compare/table.csv", tableCsvRoute, "&group=none"],
  ["/api/compare/table/live", liveRoute, "&group=none&columns=name"],
];
const get = (url: string, route: Route, query: string) => route.GET(new Request(`http://x${url}?${query}`));

let sweepId = "";
const ids: Record<"lstm" | "gru", string> = { lstm: "", gru: "" };

before(async () => {
  sweepId = (await createSweep({ config: {}, rawConfig: "", method: "grid", metricName: "val_loss", metricGoal: "minimize", concurrency: 1, seed: 1 })).id;
  const run = async (config: Record<string, unknown>, summary: Record<string, number | null>) => {
    const { id } = await createRun({ sweepId, config });
    await finishRun(id, { state: "finished", summary });
    return id;
  };
  ids.lstm = await run({ cell: "lstm", layernorm: true, pad: "<unk>", lr: 0.1 }, { val_loss: 0.5, blowup: Infinity });
  ids.gru = await run({ cell: "gru", layernorm: false, pad: "x", lr: 0.01 }, { val_loss: 2, blowup: 1 });
});

describe("filter=: a filter the API cannot mean is a 400 naming it, on every route that takes one", () => {
  const BAD: [string, RegExp][] = [
    ["summary.val_loss>", /summary\.val_loss>: a value is needed after >/],
    ["config.cell=", /config\.cell=: a value is needed after =/],
    ["config.cell==lstm", /config\.cell==lstm: .*did you mean config\.cell=lstm/],
    ["summary.val_loss=<2", /did you mean summary\.val_loss<=2/],
    ["summary.val_loss=>2", /did you mean summary\.val_loss>=2/],
    ["summary.val_loss<>2", /did you mean summary\.val_loss!=2/],
    ["summary.val_loss>=>2", /summary\.val_loss>=>2: /],
    ["summary.val_loss>abc", /summary\.val_loss>abc: > compares numbers, and "abc" is not one/],
    ["config.lr<=NaN", /"NaN" is not one/],
    ["config.layernorm>true", /"true" is not one/],
    ["step>abc", /"abc" is not one/],
    ["step=abc", /step=abc: step holds numbers, and "abc" is not one/],
    ["created>abc", /created>abc: created is a time, and "abc" is not one/],
    ["created=5", /created is a time/],
    ["derived.train_val_gap<x", /"x" is not one/],
  ];
  for (const [url, route, extra] of ROUTES) {
    it(`${url}: ${BAD.length} bad filters, each a 400 with the field and what is wrong`, async () => {
      for (const [filter, message] of BAD) {
        const res = await get(url, route, `sweep=${sweepId}&filter=${encodeURIComponent(filter)}${extra}`);
        assert.equal(res.status, 400, `${url} ${filter}`);
        const body = (await res.json()) as { error: string; issues: { path: string; message: string }[] };
        assert.equal(body.issues[0].path, "filter.0", filter);
        assert.match(body.issues[0].message, message, filter);
        assert.match(body.error, /^invalid query: filter\.0: /, filter);
      }
      // the second of two filters is named as the second
      const second = await get(url, route, `sweep=${sweepId}&filter=config.cell%3Dlstm&filter=${encodeURIComponent("summary.val_loss>")}${extra}`);
      assert.equal(second.status, 400);
      assert.equal(((await second.json()) as { issues: { path: string }[] }).issues[0].path, "filter.1");
    });
  }

  it("the filters it can mean keep working: strings and booleans for = and !=, ±Infinity, a value that starts with < for =, text and dates ordered", async () => {
    const GOOD: [string, string[]][] = [
      ["config.cell=lstm", [ids.lstm]],
      ["config.cell!=lstm", [ids.gru]],
      ["config.layernorm=true", [ids.lstm]],
      ["config.layernorm!=true", [ids.gru]],
      ["config.pad=<unk>", [ids.lstm]],
      ["config.pad~unk", [ids.lstm]],
      ["config.lr>=0.05", [ids.lstm]],
      ["summary.val_loss<1", [ids.lstm]],
      ["summary.val_loss > 1", [ids.gru]],
      ["summary.blowup=Infinity", [ids.lstm]],
      ["summary.blowup<Infinity", [ids.gru]],
      ["summary.val_loss>-Infinity", [ids.lstm, ids.gru]],
      ["config.cell=NaN", []],
      ["state=finished", [ids.lstm, ids.gru]],
      ["step>=0", [ids.lstm, ids.gru]],
      ["config.pad=a=b", []],
      ["name~!", []],
    ];
    for (const [filter, expected] of GOOD) {
      const res = await get("/api/runs", runsRoute, `sweep=${sweepId}&filter=${encodeURIComponent(filter)}`);
      assert.equal(res.status, 200, `${filter}: ${await res.clone().text()}`);
      assert.deepEqual(((await res.json()) as { runs: { id: string }[] }).runs.map((r) => r.id).sort(), [...expected].sort(), filter);
    }
    // text and time columns order as text and times do
    for (const filter of [`id>=${ids.lstm}`, "name>a", "created>2000-01-01", "finished<2999-01-01T00:00:00Z"]) {
      const res = await get("/api/compare/table", tableRoute, `sweep=${sweepId}&group=none&filter=${encodeURIComponent(filter)}`);
      assert.equal(res.status, 200, `${filter}: ${await res.clone().text()}`);
    }
  });
});

describe("sweep=: an unknown sweep is a 404 naming it", () => {
  for (const [url, route, extra] of ROUTES) {
    it(`${url}?sweep=zzzz`, async () => {
      const res = await get(url, route, `sweep=zzzz${extra}`);
      assert.equal(res.status, 404);
      assert.deepEqual(await res.json(), { error: "sweep zzzz not found", issues: [] });
      assert.equal((await get(url, route, `sweep=${sweepId}${extra}`)).status, 200, "a sweep that exists");
    });
  }
});
