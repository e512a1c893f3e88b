-- AlterTable
ALTER TABLE "Sweep" ADD COLUMN "heldBy" TEXT;
