import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { disconnectPrisma } from "./index";
import { parseJsonCell, query, selectRows, type ColumnType } from "./sql";

// Typed raw reads (sql.ts): values converted by the type each query declares, never guessed
// from the first row (issue 17 §1), and no raw read in prisma/store that bypasses them.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sweeplab-sql-"));
process.env.DATABASE_URL = `file:${path.join(dir, "sql.db")}`;

after(async () => {
  await disconnectPrisma();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("typed raw reads", () => {
  it("a column whose first value is an integer keeps later decimals, booleans and ±Inf", async () => {
    const docs = ['{"x":0}', '{"x":0.25}', '{"x":true}', '{"x":null}', "{}", '{"x":1e999}', '{"x":-1e999}', '{"x":"lstm"}', '{"x":1574409985}'];
    const rows = await selectRows(
      query(
        `SELECT j.value -> '$.x' AS x, json_extract(j.value, '$.x') AS n FROM json_each(?) j ORDER BY j.key`,
        [JSON.stringify(docs)],
        { x: "json", n: "number" },
      ),
    );
    assert.deepEqual(rows.map((r) => r.x), [0, 0.25, true, null, null, "Infinity", "-Infinity", "lstm", 1574409985]);
    assert.deepEqual(rows.slice(0, 2).map((r) => r.n), [0, 0.25], "numbers stay numbers, never truncated");
  });

  it("builds rows under any declared column name, and reads either way a time is stored as the same instant", async () => {
    const columns = Object.fromEntries([['a "quoted" name', "text"], ["index", "number"], ["a\\b", "bool"], ["`x`${1}", "text"], ["__proto__", "json"], ["ours", "time"], ["prismas", "time"]]) as Record<string, ColumnType>;
    const sql = `SELECT 'q' AS "a ""quoted"" name", 7 AS "index", 1 AS "a\\b", 'y' AS "\`x\`\${1}", '{"polluted":true}' AS "__proto__", '2026-12-04T18:23:10.605Z' AS ours, '2026-12-04T18:23:10.605+00:00' AS prismas`;
    const [row] = await selectRows(query(sql, [], columns));
    assert.deepEqual(Object.entries(row), [
      ['a "quoted" name', "q"],
      ["index", 7],
      ["a\\b", true],
      ["`x`${1}", "y"],
      ["__proto__", { polluted: true }],
      ["ours", "2026-12-04T18:23:10.605Z"],
      ["prismas", "2026-12-04T18:23:10.605Z"],
    ]);
    assert.equal(Object.getPrototypeOf(row), Object.prototype, "a column named __proto__ is a column, not the row's prototype");
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it("refuses a statement that selects other columns than it declares", async () => {
    await assert.rejects(selectRows(query(`SELECT 1 AS a, 2 AS b`, [], { a: "number" })), /selects \[a, b\] but declares \[a\]/);
  });

  it("reads JSON text in one place: absent and null are null, non-finite numbers named", () => {
    assert.equal(parseJsonCell(null), null);
    assert.equal(parseJsonCell("null"), null);
    assert.equal(parseJsonCell("0.5"), 0.5);
    assert.equal(parseJsonCell("true"), true);
    assert.equal(parseJsonCell("9.0e+999"), "Infinity");
    assert.deepEqual(parseJsonCell("[1,2]"), [1, 2]);
  });

  it("no raw read in prisma/store bypasses sql.ts", () => {
    const storeDir = path.dirname(new URL(import.meta.url).pathname);
    const offenders: string[] = [];
    for (const file of fs.readdirSync(storeDir)) {
      if (!file.endsWith(".ts") || file.endsWith(".test.ts") || file === "sql.ts") continue;
      const text = fs.readFileSync(path.join(storeDir, file), "utf8");
      for (const pattern of ["$queryRaw", ".prepare(", "reader()", "$queryRawUnsafe"]) if (text.includes(pattern)) offenders.push(`${file}: ${pattern}`);
    }
    assert.deepEqual(offenders, [], "raw reads go through selectRows / updateReturningIds (typed columns)");
  });
});
