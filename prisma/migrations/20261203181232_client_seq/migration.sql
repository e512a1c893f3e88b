-- AlterTable
ALTER TABLE "Run" ADD COLUMN "clientSeq" INTEGER;
