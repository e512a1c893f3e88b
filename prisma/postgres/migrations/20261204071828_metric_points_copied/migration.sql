-- DropForeignKey
ALTER TABLE "Metric" DROP CONSTRAINT "Metric_runId_fkey";
