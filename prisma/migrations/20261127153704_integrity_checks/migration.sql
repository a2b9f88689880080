-- Integrity checks the Prisma schema language cannot express (hand-written; Prisma's diff ignores CHECK constraints).
-- Only physically impossible values are rejected; clinical plausibility is checked by the importers.

-- Patient: ranges and non-negative measurements
ALTER TABLE "Patient"
  ADD CONSTRAINT "Patient_age_range" CHECK ("age" IS NULL OR ("age" >= 0 AND "age" <= 130)),
  ADD CONSTRAINT "Patient_ecog_range" CHECK ("ecog" IS NULL OR "ecog" BETWEEN 0 AND 4),
  ADD CONSTRAINT "Patient_childPughScore_range" CHECK ("childPughScore" IS NULL OR "childPughScore" BETWEEN 5 AND 15),
  ADD CONSTRAINT "Patient_tumourCount_nonneg" CHECK ("tumourCount" IS NULL OR "tumourCount" >= 0),
  ADD CONSTRAINT "Patient_measurements_nonneg" CHECK (
    ("maxTumourDiameterMm" IS NULL OR "maxTumourDiameterMm" >= 0) AND
    ("afp" IS NULL OR "afp" >= 0) AND ("bilirubin" IS NULL OR "bilirubin" >= 0) AND
    ("albumin" IS NULL OR "albumin" >= 0) AND ("platelets" IS NULL OR "platelets" >= 0) AND
    ("inr" IS NULL OR "inr" >= 0) AND ("alt" IS NULL OR "alt" >= 0) AND ("ast" IS NULL OR "ast" >= 0)
  ),
  ADD CONSTRAINT "Patient_times_nonneg" CHECK (("osMonths" IS NULL OR "osMonths" >= 0) AND ("rfsMonths" IS NULL OR "rfsMonths" >= 0));

-- Series geometry: 3 dims (> 0), 3 spacings (> 0), 3 origin coordinates, 9 direction cosines
ALTER TABLE "Series"
  ADD CONSTRAINT "Series_geometry_shape" CHECK (
    cardinality("dims") = 3 AND cardinality("spacing") = 3 AND cardinality("origin") = 3 AND cardinality("direction") = 9
  ),
  ADD CONSTRAINT "Series_geometry_positive" CHECK (0 < ALL ("dims") AND 0 < ALL ("spacing")),
  ADD CONSTRAINT "Series_sizeBytes_nonneg" CHECK ("sizeBytes" IS NULL OR "sizeBytes" >= 0);

-- Lesions, segmentation versions, feature sets
ALTER TABLE "Lesion"
  ADD CONSTRAINT "Lesion_couinaudSegment_range" CHECK ("couinaudSegment" IS NULL OR "couinaudSegment" BETWEEN 1 AND 8),
  ADD CONSTRAINT "Lesion_size_nonneg" CHECK (("diameterMm" IS NULL OR "diameterMm" >= 0) AND ("volumeMl" IS NULL OR "volumeMl" >= 0));
ALTER TABLE "Segmentation"
  ADD CONSTRAINT "Segmentation_version_positive" CHECK ("version" >= 1),
  ADD CONSTRAINT "Segmentation_not_own_previous" CHECK ("previousId" IS NULL OR "previousId" <> "id");
ALTER TABLE "FeatureSet" ADD CONSTRAINT "FeatureSet_featureCount_nonneg" CHECK ("featureCount" >= 0);

-- Probabilities and progress
ALTER TABLE "Prediction"
  ADD CONSTRAINT "Prediction_probability_range" CHECK (
    ("probability" IS NULL OR "probability" BETWEEN 0 AND 1) AND
    ("ciLow" IS NULL OR "ciLow" BETWEEN 0 AND 1) AND ("ciHigh" IS NULL OR "ciHigh" BETWEEN 0 AND 1) AND
    ("ciLow" IS NULL OR "ciHigh" IS NULL OR "ciLow" <= "ciHigh")
  );
ALTER TABLE "Job" ADD CONSTRAINT "Job_progress_range" CHECK ("progress" BETWEEN 0 AND 1);
ALTER TABLE "CaseDiscussion" ADD CONSTRAINT "CaseDiscussion_position_positive" CHECK ("position" >= 1);
