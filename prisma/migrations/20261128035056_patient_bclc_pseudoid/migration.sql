-- patients.list filtered by BCLC stage pages in "pseudoId" order (ORDER BY "pseudoId" LIMIT/OFFSET). With an index on
-- (bclc) alone PostgreSQL fetched every patient of the stage (a bitmap scan), checked each against the scope and
-- sorted them all before skipping to the page; on (bclc, "pseudoId") it walks the stage already in page order and
-- stops at the page's last row. The composite serves every lookup the (bclc) index served, which it replaces.
-- Measured on the API bench data (10,000 patients, one clinician seeing all, `bclc=C page 40`, OFFSET 975), PostgreSQL
-- CPU of the page statement: 5.0-6.6 ms with the (bclc) index, 3.1-4.4 ms on this one (the same scope form, hashed),
-- 1.8-3.1 ms with the page walking it and probing the scope per row (services access.ts, `walk`).

-- DropIndex
DROP INDEX "Patient_bclc_idx";

-- CreateIndex
CREATE INDEX "Patient_bclc_pseudoId_idx" ON "Patient"("bclc", "pseudoId");
