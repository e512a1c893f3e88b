-- AlterTable
ALTER TABLE "Run" ADD COLUMN "runGroup" TEXT;
