-- Program runs (any program logging through the logging API) and projects. Added with ALTER
-- TABLE (SQLite adds a NOT NULL column with a constant default in place), not Prisma's table
-- rebuild: a large Run table is not copied.
ALTER TABLE "Run" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'engine';
ALTER TABLE "Run" ADD COLUMN "project" TEXT NOT NULL DEFAULT 'default';
ALTER TABLE "Sweep" ADD COLUMN "project" TEXT NOT NULL DEFAULT 'default';
CREATE INDEX "Run_project_createdAt_idx" ON "Run"("project", "createdAt");
