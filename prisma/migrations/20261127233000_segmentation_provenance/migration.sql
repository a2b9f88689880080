-- AlterTable
ALTER TABLE "Segmentation" ADD COLUMN     "provenance" JSONB;
