// postinstall: generate the Prisma client for SQLite (prisma/generated) and, from the schema
// derived for PostgreSQL (prisma/postgres/schema.prisma), the one for Postgres (prisma/generated-pg).
import { execFileSync } from "node:child_process";
import path from "node:path";
import { bin, ROOT } from "./lib.mjs";

const run = (args) => execFileSync(bin("prisma"), args, { cwd: ROOT, stdio: "inherit" });
run(["generate"]);
execFileSync(bin("tsx"), ["-e", "import('./prisma/provider.ts').then((m) => m.writePostgresSchema())"], { cwd: ROOT, stdio: "inherit" });
run(["generate", "--schema", path.join("prisma", "postgres", "schema.prisma")]);
