-- AlterTable: the JSON documents as jsonb, kept by PostgreSQL itself from the text columns the
-- store writes (prisma/schema.prisma marks them @ignore: the client never writes them).
ALTER TABLE "Run" ADD COLUMN     "configJsonb" JSONB GENERATED ALWAYS AS (CAST("config" AS jsonb)) STORED,
ADD COLUMN     "paramsJsonb" JSONB GENERATED ALWAYS AS (CAST("params" AS jsonb)) STORED,
ADD COLUMN     "summaryJsonb" JSONB GENERATED ALWAYS AS (CAST("summary" AS jsonb)) STORED;
