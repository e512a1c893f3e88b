// `npm run db:copy -- --from file:./data/sweeplab.db --to postgresql://…`: carry a SQLite history
// over to PostgreSQL — every sweep, run, metric point (in the order stored, so early termination's
// ledger keeps its order), rollup bucket, sample, log line, diagnostic, checkpoint, agent, corpus
// and saved view. The target's migrations are applied first; rows already there (same primary key or unique
// key) are left alone, so the copy can be re-run after an interruption; the counts of every table
// are compared at the end, and a difference is an error.
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { checkDatabaseFile, databasePath, DatabaseError, redact } from "./database";
import { migrate } from "./migrate";
import { migratePostgres } from "./postgres";
import { providerOf } from "./provider";

/** Tables in the order their foreign keys need, with the column that orders a chunked read. */
export const TABLES = [
  ["Agent", "rowid"],
  ["Corpus", "rowid"],
  ["SavedView", "rowid"],
  ["Sweep", "rowid"],
  ["Run", "rowid"],
  ["Metric", "rowid"],
  ["MetricBucket", "rowid"],
  ["Sample", "id"],
  ["LogLine", "id"],
  ["Diagnostic", "id"],
  ["Checkpoint", "rowid"],
] as const;

const CHUNK = 5000;

export interface CopyReport {
  tables: { table: string; source: number; target: number; inserted: number }[];
}

/** A cell as JSON for Postgres' reader: ±Infinity as the strings float8 reads, booleans as SQLite holds them (0/1) made true/false by the cast. */
function cell(v: unknown, type: string): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "number" && !Number.isFinite(v)) return Number.isNaN(v) ? null : v > 0 ? "Infinity" : "-Infinity";
  if (type === "boolean") return Boolean(v);
  if (type.startsWith("timestamp") && typeof v === "number") return new Date(v).toISOString();
  if (typeof v === "bigint") return v.toString();
  if (Buffer.isBuffer(v)) return `\\x${v.toString("hex")}`; // bytea's hex input
  return v;
}

export async function copyDatabase(from: string, to: string, log: (line: string) => void = () => {}): Promise<CopyReport> {
  if (providerOf(from) !== "sqlite") throw new DatabaseError(`--from must name a SQLite file (file:./data/sweeplab.db), not ${redact(from)}`);
  if (providerOf(to) !== "postgresql") throw new DatabaseError(`--to must be a PostgreSQL URL (postgresql://user@host:5432/db), not ${to}`);
  const file = databasePath(from);
  checkDatabaseFile(file);
  migrate(file); // (an older file gets the columns the copy reads)
  const source = new Database(file, { readonly: true, fileMustExist: true });
  await migratePostgres(to);
  const target = new pg.Client({ connectionString: to });
  await target.connect();
  const report: CopyReport = { tables: [] };
  try {
    for (const [table, order] of TABLES) {
      const columns = (await target.query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`, [table])).rows as { column_name: string; data_type: string }[];
      // Metric.seq is Postgres' own (the order of insertion, which follows SQLite's rowid here);
      // generated columns (Run's jsonb documents) Postgres computes itself
      const copied = columns.filter((c) => !(table === "Metric" && c.column_name === "seq"));
      const names = copied.map((c) => `"${c.column_name}"`).join(", ");
      const select = copied.map((c, i) => `(j ->> ${i})::${c.data_type === "timestamp without time zone" ? "timestamp(3)" : c.data_type}`).join(", ");
      const read = source.prepare(`SELECT ${order} AS _k, ${copied.map((c) => `"${c.column_name}"`).join(", ")} FROM "${table}" WHERE ${order} > ? ORDER BY ${order} LIMIT ${CHUNK}`).raw(true);
      let after: number | bigint = -1;
      let inserted = 0;
      for (;;) {
        const rows = read.all(after) as unknown[][];
        if (rows.length === 0) break;
        after = rows[rows.length - 1][0] as number;
        const json = JSON.stringify(rows.map((r) => r.slice(1).map((v, i) => cell(v, copied[i].data_type))));
        const result = await target.query(`INSERT INTO "${table}" (${names}) SELECT ${select} FROM json_array_elements($1::json) j ON CONFLICT DO NOTHING`, [json]);
        inserted += result.rowCount ?? 0;
      }
      // serial ids copied as they were: the sequence continues after the largest
      if (order === "id") await target.query(`SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), GREATEST((SELECT max(id) FROM "${table}"), 1))`);
      const sourceCount = (source.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
      const targetCount = Number((await target.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
      report.tables.push({ table, source: sourceCount, target: targetCount, inserted });
      log(`${table.padEnd(12)} ${String(sourceCount).padStart(9)} rows, ${String(inserted).padStart(9)} copied now, ${String(targetCount).padStart(9)} in the target`);
    }
  } finally {
    source.close();
    await target.end();
  }
  const differ = report.tables.filter((t) => t.source !== t.target);
  if (differ.length > 0) {
    throw new DatabaseError(
      `the counts differ after the copy: ${differ.map((t) => `${t.table} ${t.source} in the source, ${t.target} in the target`).join("; ")} (a target that already held other data, or rows the target refused)`,
    );
  }
  return report;
}

async function main() {
  const { values } = parseArgs({ options: { from: { type: "string" }, to: { type: "string" } } });
  if (!values.from || !values.to) {
    console.error("usage: npm run db:copy -- --from file:./data/sweeplab.db --to postgresql://postgres@127.0.0.1:5432/sweeplab");
    process.exit(2);
  }
  const started = Date.now();
  const report = await copyDatabase(values.from, values.to, (line) => console.log(line));
  const total = report.tables.reduce((a, t) => a + t.source, 0);
  console.log(`copied ${redact(values.from)} → ${redact(values.to)}: ${total} rows in ${report.tables.length} tables, counts verified, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && /prisma[\\/]copy\.ts$/.test(process.argv[1])) {
  main().catch((error) => {
    console.error(`db:copy: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
