-- AlterTable
ALTER TABLE "Run" ADD COLUMN "checkpointStep" INTEGER;
ALTER TABLE "Run" ADD COLUMN "ingestSeq" INTEGER;
ALTER TABLE "Run" ADD COLUMN "interruptions" INTEGER;
