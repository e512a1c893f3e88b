-- Metric, hash-partitioned by run (16 partitions). Written by hand: Prisma's schema cannot say
-- how a table is partitioned, and its diff sees the parent table only (migrate:check agrees).
-- Why: in PostgreSQL 15 a table grows one page at a time under one lock, and reports on
-- different runs stored side by side queued on it ("Lock:extend" was the commonest wait of 8
-- writers, bench scale), while each partition grows under its own. Every read of points names its
-- run, so it touches one partition.
ALTER TABLE "Metric" RENAME TO "Metric_unpartitioned";
ALTER TABLE "Metric_unpartitioned" RENAME CONSTRAINT "Metric_pkey" TO "Metric_unpartitioned_pkey";
ALTER INDEX "Metric_seq_idx" RENAME TO "Metric_unpartitioned_seq_idx";

CREATE TABLE "Metric" (
    "runId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "value" DOUBLE PRECISION,
    "wallTime" DOUBLE PRECISION NOT NULL,
    "seq" BIGINT NOT NULL DEFAULT nextval('"Metric_seq_seq"'),

    CONSTRAINT "Metric_pkey" PRIMARY KEY ("runId","name","step")
) PARTITION BY HASH ("runId");

CREATE TABLE "Metric_p0" PARTITION OF "Metric" FOR VALUES WITH (MODULUS 16, REMAINDER 0);
CREATE TABLE "Metric_p1" PARTITION OF "Metric" FOR VALUES WITH (MODULUS 16, REMAINDER 1);
CREATE TABLE "Metric_p2" PARTITION OF "Metric" FOR VALUES WITH (MODULUS 16, REMAINDER 2);
CREATE TABLE "Metric_p3" PARTITION OF "Metric" FOR VALUES WITH (MODULUS 16, REMAINDER 3);
CREATE TABLE "Metric_p4" PARTITION OF "Metric" FOR VALUES WITH (MODULUS 16, REMAINDER 4);
CREATE TABLE "Metric_p5" PARTITION OF "Metric" FOR VALUES WITH (MODULUS 16, REMAINDER 5);
CREATE TABLE "Metric_p6" PARTITION OF "Metric" FOR VALUES WITH (MODULUS 16, REMAINDER 6);
CREATE TABLE "Metric_p7" PARTITION OF "Metric" FOR VALUES WITH (MODULUS 16, REMAINDER 7);
CREATE TABLE "Metric_p8" PARTITION OF "Metric" FOR VALUES WITH (MODULUS 16, REMAINDER 8);
CREATE TABLE "Metric_p9" PARTITION OF "Metric" FOR VALUES WITH (MODULUS 16, REMAINDER 9);
CREATE TABLE "Metric_p10" PARTITION OF "Metric" FOR VALUES WITH (MODULUS 16, REMAINDER 10);
CREATE TABLE "Metric_p11" PARTITION OF "Metric" FOR VALUES WITH (MODULUS 16, REMAINDER 11);
CREATE TABLE "Metric_p12" PARTITION OF "Metric" FOR VALUES WITH (MODULUS 16, REMAINDER 12);
CREATE TABLE "Metric_p13" PARTITION OF "Metric" FOR VALUES WITH (MODULUS 16, REMAINDER 13);
CREATE TABLE "Metric_p14" PARTITION OF "Metric" FOR VALUES WITH (MODULUS 16, REMAINDER 14);
CREATE TABLE "Metric_p15" PARTITION OF "Metric" FOR VALUES WITH (MODULUS 16, REMAINDER 15);

CREATE INDEX "Metric_seq_idx" ON "Metric"("seq");

-- the points stored so far, in their order, and the sequence goes on where it was
INSERT INTO "Metric" ("runId", "name", "step", "value", "wallTime", "seq")
  SELECT "runId", "name", "step", "value", "wallTime", "seq" FROM "Metric_unpartitioned" ORDER BY "seq";
ALTER SEQUENCE "Metric_seq_seq" OWNED BY "Metric"."seq";
DROP TABLE "Metric_unpartitioned";
