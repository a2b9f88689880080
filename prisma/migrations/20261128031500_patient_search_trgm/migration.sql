-- Trigram (pg_trgm) GIN indexes for the patient search (hand-written; the Prisma schema language cannot describe a
-- conditional index on another schema's operator class, so prisma/schema.prisma does not list them and Prisma's
-- diff, whose shadow database has no pg_trgm, never sees them).
--
-- patients.list `search` filters with `col ILIKE ('%' || $v || '%')` on "pseudoId", aetiology and "sourceDataset";
-- a B-tree cannot serve a leading wildcard, so every search read all 10,000 bench patients (9-23 ms of PostgreSQL CPU
-- per request). These indexes answer the same ILIKE (PostgreSQL rechecks each candidate row, so results are exact)
-- without any change to the query.
--
-- fastupdate = off: with GIN's default pending list, rows inserted after CREATE INDEX (every patient: the index is
-- created on an empty table) wait unindexed until a VACUUM, and every search scans that list. Measured on 10,000
-- bench patients before their first VACUUM: the BitmapOr of the three indexes took 10-28 ms; without a pending list
-- 0.2-0.3 ms. Patients are written rarely, so the slightly dearer inserts are the better trade.
--
-- The extension lives in ONE schema per database while every Hepatoscope schema (tests, bench: many per database)
-- gets its own indexes: it is installed in `public` (or wherever an administrator already installed it) and its
-- operator class is named with that schema, so it resolves whatever the connection's search_path.
--
-- A server without pg_trgm, or a role that may not create it, still migrates: the indexes are skipped with a NOTICE
-- and the search works unindexed (as before). After installing the extension, create them by hand:
--   CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
--   CREATE INDEX "Patient_pseudoId_trgm_idx" ON "Patient" USING gin ("pseudoId" public.gin_trgm_ops) WITH (fastupdate = off);
--   (and the same for aetiology and "sourceDataset", as below)

-- Database-wide lock: two schemas migrating at once (each under its own per-schema lock) would both try to insert
-- the extension, and the second CREATE EXTENSION IF NOT EXISTS would fail on pg_extension's unique name. The
-- one-bigint key space is separate from the (int4, int4) per-schema migration locks, so the two never collide.
SELECT pg_advisory_xact_lock(724873112);

DO $$
DECLARE
  ext_schema text;
BEGIN
  BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
  EXCEPTION
    -- not installed on the server (58P01 up to PostgreSQL 14, 0A000 from 15 and in PGlite without the bundle),
    -- no CREATE privilege on the database, or no schema public
    WHEN undefined_file OR feature_not_supported OR insufficient_privilege OR invalid_schema_name THEN
      RAISE NOTICE 'pg_trgm unavailable (%: %): patient search stays unindexed', SQLSTATE, SQLERRM;
  END;
  SELECT n.nspname INTO ext_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
  IF ext_schema IS NULL THEN
    RETURN;
  END IF;
  BEGIN
    EXECUTE format('CREATE INDEX "Patient_pseudoId_trgm_idx" ON "Patient" USING gin ("pseudoId" %I.gin_trgm_ops) WITH (fastupdate = off)', ext_schema);
    EXECUTE format('CREATE INDEX "Patient_aetiology_trgm_idx" ON "Patient" USING gin ("aetiology" %I.gin_trgm_ops) WITH (fastupdate = off)', ext_schema);
    EXECUTE format('CREATE INDEX "Patient_sourceDataset_trgm_idx" ON "Patient" USING gin ("sourceDataset" %I.gin_trgm_ops) WITH (fastupdate = off)', ext_schema);
  EXCEPTION
    -- installed by an administrator in a schema this role may not use
    WHEN insufficient_privilege THEN
      RAISE NOTICE 'pg_trgm in schema % is not usable (%): patient search stays unindexed', ext_schema, SQLERRM;
  END;
END
$$;
