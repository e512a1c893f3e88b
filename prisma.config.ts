import path from "node:path";
import { defineConfig } from "prisma/config";

// Prisma's CLI tries to download a native schema engine first; offline it must find one.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(__dirname, "prisma", "schema-engine-offline.sh");
process.env.CHECKPOINT_DISABLE ??= "1";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "file:./data/sweeplab.db" },
});
