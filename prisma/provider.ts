// Which database a DATABASE_URL names: SQLite (a file: URL or a plain path, the embedded
// default) or PostgreSQL (postgresql:// or postgres://). One data model serves both:
// prisma/schema.prisma is the source; the Postgres schema is derived from it (postgresSchema)
// with its own generated client (prisma/generated-pg) and its own migrations
// (prisma/postgres/migrations), checked against it by `npm run migrate:check`.
import fs from "node:fs";
import path from "node:path";
import { DEFAULT_DATABASE_URL } from "./database";

export type Provider = "sqlite" | "postgresql";

export function providerOf(url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): Provider {
  return /^postgres(ql)?:\/\//i.test(url) ? "postgresql" : "sqlite";
}

export const SCHEMA_PATH = path.join(/*turbopackIgnore: true*/ process.cwd(), "prisma", "schema.prisma");
export const POSTGRES_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), "prisma", "postgres");
export const POSTGRES_SCHEMA_PATH = path.join(POSTGRES_DIR, "schema.prisma");

/**
 * schema.prisma for PostgreSQL: the same models, the provider and the client's folder changed, the
 * lines marked `//@postgres` (what SQLite has built in, such as a row's insertion order) kept, and
 * those ending in `//@sqlite` (a constraint Postgres leaves to the store) left out.
 */
export function postgresSchema(source = fs.readFileSync(SCHEMA_PATH, "utf8")): string {
  const swapped = source
    .replace(/^.*\/\/@sqlite\s*\n/gm, "")
    .replace(/^(\s*)\/\/@postgres /gm, "$1")
    .replace(/(datasource db \{[^}]*provider\s*=\s*)"sqlite"/, '$1"postgresql"')
    .replace(/(generator client \{[^}]*output\s*=\s*)"\.\/generated"/, '$1"../generated-pg"');
  if (!swapped.includes('"postgresql"') || !swapped.includes('"../generated-pg"')) throw new Error("prisma/schema.prisma: cannot derive the PostgreSQL schema (datasource or generator block changed shape)");
  return `// GENERATED from prisma/schema.prisma by prisma/provider.ts (npm run prisma:generate): do not edit.\n${swapped}`;
}

/** Write the derived schema when it differs (postinstall, migrate:new, migrate:check). */
export function writePostgresSchema(): string {
  const text = postgresSchema();
  fs.mkdirSync(POSTGRES_DIR, { recursive: true });
  if (!fs.existsSync(POSTGRES_SCHEMA_PATH) || fs.readFileSync(POSTGRES_SCHEMA_PATH, "utf8") !== text) fs.writeFileSync(POSTGRES_SCHEMA_PATH, text);
  return POSTGRES_SCHEMA_PATH;
}
