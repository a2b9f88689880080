-- CreateEnum
CREATE TYPE "Role" AS ENUM ('CLINICIAN', 'TUMOR_BOARD', 'ADMIN');

-- CreateEnum
CREATE TYPE "Sex" AS ENUM ('MALE', 'FEMALE', 'OTHER', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "ChildPugh" AS ENUM ('A', 'B', 'C');

-- CreateEnum
CREATE TYPE "Bclc" AS ENUM ('STAGE_0', 'A', 'B', 'C', 'D');

-- CreateEnum
CREATE TYPE "Modality" AS ENUM ('CT', 'MR', 'US');

-- CreateEnum
CREATE TYPE "Timepoint" AS ENUM ('BASELINE', 'PRE_TACE', 'POST_TACE', 'FOLLOW_UP', 'OTHER');

-- CreateEnum
CREATE TYPE "Phase" AS ENUM ('NATIVE', 'ARTERIAL', 'PORTAL_VENOUS', 'DELAYED', 'HEPATOBILIARY', 'T2', 'DWI', 'ADC', 'OTHER');

-- CreateEnum
CREATE TYPE "Structure" AS ENUM ('LIVER', 'LESION', 'VESSELS', 'SPLEEN', 'OTHER');

-- CreateEnum
CREATE TYPE "SegmentationSource" AS ENUM ('MANUAL', 'SEMI_AUTO', 'AUTO');

-- CreateEnum
CREATE TYPE "SegmentationStatus" AS ENUM ('DRAFT', 'ACCEPTED', 'REJECTED', 'SUPERSEDED');

-- CreateEnum
CREATE TYPE "ModelTask" AS ENUM ('DIAGNOSIS', 'GRADE', 'MVI', 'EARLY_RECURRENCE', 'TACE_RESPONSE', 'SURVIVAL', 'SEGMENTATION');

-- CreateEnum
CREATE TYPE "ModelStatus" AS ENUM ('DRAFT', 'VALIDATED', 'RETIRED');

-- CreateEnum
CREATE TYPE "ModelOrigin" AS ENUM ('TRAINED', 'PUBLISHED', 'UPLOADED');

-- CreateEnum
CREATE TYPE "CohortSplit" AS ENUM ('TRAINING', 'VALIDATION');

-- CreateEnum
CREATE TYPE "MeetingStatus" AS ENUM ('SCHEDULED', 'IN_PROGRESS', 'CLOSED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "DiscussionStatus" AS ENUM ('PENDING', 'DECIDED', 'SIGNED_OFF', 'DEFERRED');

-- CreateEnum
CREATE TYPE "TreatmentType" AS ENUM ('TACE', 'RESECTION', 'ABLATION', 'TRANSPLANT', 'SYSTEMIC', 'RADIOTHERAPY', 'TARE', 'BEST_SUPPORTIVE_CARE', 'OTHER');

-- CreateEnum
CREATE TYPE "JobState" AS ENUM ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "AuditOutcome" AS ENUM ('SUCCESS', 'DENIED', 'FAILURE');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "failedLoginCount" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" TIMESTAMPTZ(3),
    "lastLoginAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMPTZ(3),
    "ipAddress" TEXT,
    "userAgent" TEXT,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CareAssignment" (
    "userId" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CareAssignment_pkey" PRIMARY KEY ("userId","patientId")
);

-- CreateTable
CREATE TABLE "CohortAccess" (
    "userId" TEXT NOT NULL,
    "cohortId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CohortAccess_pkey" PRIMARY KEY ("userId","cohortId")
);

-- CreateTable
CREATE TABLE "Patient" (
    "id" TEXT NOT NULL,
    "pseudoId" TEXT NOT NULL,
    "sourceDataset" TEXT,
    "sourceId" TEXT,
    "centre" TEXT,
    "sex" "Sex",
    "age" DOUBLE PRECISION,
    "diagnosisDate" TIMESTAMPTZ(3),
    "aetiology" TEXT,
    "cirrhosis" BOOLEAN,
    "childPugh" "ChildPugh",
    "childPughScore" INTEGER,
    "bclc" "Bclc",
    "ecog" INTEGER,
    "pathologyGrade" TEXT,
    "tumourCount" INTEGER,
    "maxTumourDiameterMm" DOUBLE PRECISION,
    "vascularInvasion" BOOLEAN,
    "portalVeinThrombosis" BOOLEAN,
    "extrahepaticSpread" BOOLEAN,
    "afp" DOUBLE PRECISION,
    "bilirubin" DOUBLE PRECISION,
    "albumin" DOUBLE PRECISION,
    "platelets" DOUBLE PRECISION,
    "inr" DOUBLE PRECISION,
    "alt" DOUBLE PRECISION,
    "ast" DOUBLE PRECISION,
    "osMonths" DOUBLE PRECISION,
    "osEvent" BOOLEAN,
    "rfsMonths" DOUBLE PRECISION,
    "rfsEvent" BOOLEAN,
    "taceResponse" TEXT,
    "extra" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Patient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Treatment" (
    "id" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "type" "TreatmentType" NOT NULL,
    "date" TIMESTAMPTZ(3),
    "description" TEXT,
    "response" TEXT,
    "details" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Treatment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Study" (
    "id" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "studyInstanceUid" TEXT,
    "date" TIMESTAMPTZ(3),
    "modality" "Modality" NOT NULL,
    "timepoint" "Timepoint" NOT NULL DEFAULT 'OTHER',
    "description" TEXT,
    "synthetic" BOOLEAN NOT NULL DEFAULT false,
    "origin" TEXT NOT NULL DEFAULT 'upload',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Study_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Series" (
    "id" TEXT NOT NULL,
    "studyId" TEXT NOT NULL,
    "seriesInstanceUid" TEXT,
    "phase" "Phase" NOT NULL,
    "description" TEXT,
    "dims" INTEGER[],
    "spacing" DOUBLE PRECISION[],
    "origin" DOUBLE PRECISION[],
    "direction" DOUBLE PRECISION[],
    "storageUri" TEXT NOT NULL,
    "format" TEXT NOT NULL DEFAULT 'nifti-gz',
    "sha256" TEXT NOT NULL,
    "sizeBytes" INTEGER,
    "synthetic" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Series_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Lesion" (
    "id" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "type" TEXT NOT NULL DEFAULT 'HCC',
    "couinaudSegment" INTEGER,
    "liRads" TEXT,
    "diameterMm" DOUBLE PRECISION,
    "volumeMl" DOUBLE PRECISION,
    "enhancementPattern" TEXT,
    "notes" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Lesion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Segmentation" (
    "id" TEXT NOT NULL,
    "seriesId" TEXT NOT NULL,
    "structure" "Structure" NOT NULL,
    "lesionId" TEXT,
    "source" "SegmentationSource" NOT NULL,
    "modelId" TEXT,
    "authorId" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "previousId" TEXT,
    "status" "SegmentationStatus" NOT NULL DEFAULT 'DRAFT',
    "maskUri" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "labels" JSONB NOT NULL,
    "volumeMl" DOUBLE PRECISION,
    "reviewNote" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Segmentation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FeatureSet" (
    "id" TEXT NOT NULL,
    "segmentationId" TEXT NOT NULL,
    "seriesId" TEXT NOT NULL,
    "lesionId" TEXT,
    "settings" JSONB NOT NULL,
    "settingsHash" TEXT NOT NULL,
    "softwareVersion" TEXT NOT NULL,
    "values" JSONB NOT NULL,
    "featureCount" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FeatureSet_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Cohort" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "sourceDataset" TEXT,
    "definition" JSONB,
    "synthetic" BOOLEAN NOT NULL DEFAULT false,
    "createdById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Cohort_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CohortMembership" (
    "cohortId" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "split" "CohortSplit",
    "addedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CohortMembership_pkey" PRIMARY KEY ("cohortId","patientId")
);

-- CreateTable
CREATE TABLE "Model" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "task" "ModelTask" NOT NULL,
    "kind" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "status" "ModelStatus" NOT NULL DEFAULT 'DRAFT',
    "origin" "ModelOrigin" NOT NULL,
    "synthetic" BOOLEAN NOT NULL DEFAULT false,
    "inputs" JSONB NOT NULL,
    "parameters" JSONB,
    "artefactUri" TEXT,
    "artefactSha256" TEXT,
    "trainingCohortId" TEXT,
    "validationMetrics" JSONB,
    "modelCard" JSONB NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "validatedAt" TIMESTAMPTZ(3),
    "retiredAt" TIMESTAMPTZ(3),

    CONSTRAINT "Model_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ModelValidation" (
    "id" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "cohortId" TEXT,
    "split" TEXT NOT NULL DEFAULT 'all',
    "metrics" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelValidation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Prediction" (
    "id" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "modelVersion" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "lesionId" TEXT,
    "probability" DOUBLE PRECISION,
    "ciLow" DOUBLE PRECISION,
    "ciHigh" DOUBLE PRECISION,
    "riskGroup" TEXT,
    "nomogram" JSONB,
    "inputSnapshot" JSONB NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Prediction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurvivalPrediction" (
    "id" TEXT NOT NULL,
    "predictionId" TEXT NOT NULL,
    "curve" JSONB NOT NULL,
    "medianMonths" DOUBLE PRECISION,
    "horizons" JSONB NOT NULL,

    CONSTRAINT "SurvivalPrediction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TumorBoardMeeting" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "scheduledAt" TIMESTAMPTZ(3) NOT NULL,
    "location" TEXT,
    "status" "MeetingStatus" NOT NULL DEFAULT 'SCHEDULED',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "TumorBoardMeeting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseDiscussion" (
    "id" TEXT NOT NULL,
    "meetingId" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "question" TEXT,
    "status" "DiscussionStatus" NOT NULL DEFAULT 'PENDING',
    "presentedSnapshot" JSONB,
    "findings" TEXT,
    "decision" TEXT,
    "recommendation" TEXT,
    "attendees" TEXT[],
    "decidedAt" TIMESTAMPTZ(3),
    "signedOffById" TEXT,
    "signedOffAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CaseDiscussion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Report" (
    "id" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "discussionId" TEXT,
    "kind" TEXT NOT NULL DEFAULT 'structured',
    "content" JSONB NOT NULL,
    "html" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "pdfUri" TEXT,
    "llmText" TEXT,
    "llmModel" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Report_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "seq" BIGSERIAL NOT NULL,
    "userId" TEXT,
    "userEmail" TEXT,
    "userRole" "Role",
    "action" TEXT NOT NULL,
    "entityType" TEXT,
    "entityId" TEXT,
    "outcome" "AuditOutcome" NOT NULL DEFAULT 'SUCCESS',
    "ipAddress" TEXT,
    "userAgent" TEXT,
    "details" JSONB,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "state" "JobState" NOT NULL DEFAULT 'QUEUED',
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "message" TEXT,
    "error" TEXT,
    "input" JSONB NOT NULL,
    "result" JSONB,
    "idempotencyKey" TEXT,
    "bossJobId" TEXT,
    "entityType" TEXT,
    "entityId" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AppSetting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedById" TEXT,

    CONSTRAINT "AppSetting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "SeedRun" (
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "completedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "summary" JSONB NOT NULL,

    CONSTRAINT "SeedRun_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Session_tokenHash_key" ON "Session"("tokenHash");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- CreateIndex
CREATE INDEX "CareAssignment_patientId_idx" ON "CareAssignment"("patientId");

-- CreateIndex
CREATE INDEX "CohortAccess_cohortId_idx" ON "CohortAccess"("cohortId");

-- CreateIndex
CREATE UNIQUE INDEX "Patient_pseudoId_key" ON "Patient"("pseudoId");

-- CreateIndex
CREATE INDEX "Patient_bclc_idx" ON "Patient"("bclc");

-- CreateIndex
CREATE INDEX "Patient_sourceDataset_idx" ON "Patient"("sourceDataset");

-- CreateIndex
CREATE INDEX "Patient_centre_idx" ON "Patient"("centre");

-- CreateIndex
CREATE INDEX "Treatment_patientId_idx" ON "Treatment"("patientId");

-- CreateIndex
CREATE UNIQUE INDEX "Study_studyInstanceUid_key" ON "Study"("studyInstanceUid");

-- CreateIndex
CREATE INDEX "Study_patientId_idx" ON "Study"("patientId");

-- CreateIndex
CREATE UNIQUE INDEX "Series_seriesInstanceUid_key" ON "Series"("seriesInstanceUid");

-- CreateIndex
CREATE INDEX "Series_studyId_idx" ON "Series"("studyId");

-- CreateIndex
CREATE UNIQUE INDEX "Lesion_patientId_label_key" ON "Lesion"("patientId", "label");

-- CreateIndex
CREATE UNIQUE INDEX "Segmentation_previousId_key" ON "Segmentation"("previousId");

-- CreateIndex
CREATE INDEX "Segmentation_seriesId_idx" ON "Segmentation"("seriesId");

-- CreateIndex
CREATE INDEX "Segmentation_lesionId_idx" ON "Segmentation"("lesionId");

-- CreateIndex
CREATE INDEX "FeatureSet_lesionId_idx" ON "FeatureSet"("lesionId");

-- CreateIndex
CREATE UNIQUE INDEX "FeatureSet_segmentationId_seriesId_settingsHash_softwareVer_key" ON "FeatureSet"("segmentationId", "seriesId", "settingsHash", "softwareVersion");

-- CreateIndex
CREATE UNIQUE INDEX "Cohort_name_key" ON "Cohort"("name");

-- CreateIndex
CREATE INDEX "CohortMembership_patientId_idx" ON "CohortMembership"("patientId");

-- CreateIndex
CREATE INDEX "Model_task_status_idx" ON "Model"("task", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Model_name_version_key" ON "Model"("name", "version");

-- CreateIndex
CREATE INDEX "ModelValidation_modelId_idx" ON "ModelValidation"("modelId");

-- CreateIndex
CREATE INDEX "Prediction_patientId_createdAt_idx" ON "Prediction"("patientId", "createdAt");

-- CreateIndex
CREATE INDEX "Prediction_modelId_idx" ON "Prediction"("modelId");

-- CreateIndex
CREATE UNIQUE INDEX "SurvivalPrediction_predictionId_key" ON "SurvivalPrediction"("predictionId");

-- CreateIndex
CREATE INDEX "TumorBoardMeeting_scheduledAt_idx" ON "TumorBoardMeeting"("scheduledAt");

-- CreateIndex
CREATE INDEX "CaseDiscussion_patientId_idx" ON "CaseDiscussion"("patientId");

-- CreateIndex
CREATE UNIQUE INDEX "CaseDiscussion_meetingId_patientId_key" ON "CaseDiscussion"("meetingId", "patientId");

-- CreateIndex
CREATE INDEX "Report_patientId_idx" ON "Report"("patientId");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE INDEX "AuditEvent_entityType_entityId_idx" ON "AuditEvent"("entityType", "entityId");

-- CreateIndex
CREATE INDEX "AuditEvent_userId_at_idx" ON "AuditEvent"("userId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "Job_idempotencyKey_key" ON "Job"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Job_state_type_idx" ON "Job"("state", "type");

-- CreateIndex
CREATE INDEX "Job_entityType_entityId_idx" ON "Job"("entityType", "entityId");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CareAssignment" ADD CONSTRAINT "CareAssignment_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CareAssignment" ADD CONSTRAINT "CareAssignment_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CohortAccess" ADD CONSTRAINT "CohortAccess_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CohortAccess" ADD CONSTRAINT "CohortAccess_cohortId_fkey" FOREIGN KEY ("cohortId") REFERENCES "Cohort"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Treatment" ADD CONSTRAINT "Treatment_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Study" ADD CONSTRAINT "Study_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Series" ADD CONSTRAINT "Series_studyId_fkey" FOREIGN KEY ("studyId") REFERENCES "Study"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Lesion" ADD CONSTRAINT "Lesion_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Segmentation" ADD CONSTRAINT "Segmentation_seriesId_fkey" FOREIGN KEY ("seriesId") REFERENCES "Series"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Segmentation" ADD CONSTRAINT "Segmentation_lesionId_fkey" FOREIGN KEY ("lesionId") REFERENCES "Lesion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Segmentation" ADD CONSTRAINT "Segmentation_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Segmentation" ADD CONSTRAINT "Segmentation_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Segmentation" ADD CONSTRAINT "Segmentation_previousId_fkey" FOREIGN KEY ("previousId") REFERENCES "Segmentation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FeatureSet" ADD CONSTRAINT "FeatureSet_segmentationId_fkey" FOREIGN KEY ("segmentationId") REFERENCES "Segmentation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FeatureSet" ADD CONSTRAINT "FeatureSet_seriesId_fkey" FOREIGN KEY ("seriesId") REFERENCES "Series"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FeatureSet" ADD CONSTRAINT "FeatureSet_lesionId_fkey" FOREIGN KEY ("lesionId") REFERENCES "Lesion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Cohort" ADD CONSTRAINT "Cohort_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CohortMembership" ADD CONSTRAINT "CohortMembership_cohortId_fkey" FOREIGN KEY ("cohortId") REFERENCES "Cohort"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CohortMembership" ADD CONSTRAINT "CohortMembership_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Model" ADD CONSTRAINT "Model_trainingCohortId_fkey" FOREIGN KEY ("trainingCohortId") REFERENCES "Cohort"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Model" ADD CONSTRAINT "Model_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelValidation" ADD CONSTRAINT "ModelValidation_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelValidation" ADD CONSTRAINT "ModelValidation_cohortId_fkey" FOREIGN KEY ("cohortId") REFERENCES "Cohort"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Prediction" ADD CONSTRAINT "Prediction_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Prediction" ADD CONSTRAINT "Prediction_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Prediction" ADD CONSTRAINT "Prediction_lesionId_fkey" FOREIGN KEY ("lesionId") REFERENCES "Lesion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Prediction" ADD CONSTRAINT "Prediction_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurvivalPrediction" ADD CONSTRAINT "SurvivalPrediction_predictionId_fkey" FOREIGN KEY ("predictionId") REFERENCES "Prediction"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseDiscussion" ADD CONSTRAINT "CaseDiscussion_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "TumorBoardMeeting"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseDiscussion" ADD CONSTRAINT "CaseDiscussion_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseDiscussion" ADD CONSTRAINT "CaseDiscussion_signedOffById_fkey" FOREIGN KEY ("signedOffById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Report" ADD CONSTRAINT "Report_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Report" ADD CONSTRAINT "Report_discussionId_fkey" FOREIGN KEY ("discussionId") REFERENCES "CaseDiscussion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Report" ADD CONSTRAINT "Report_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Append-only audit trail: reject UPDATE, DELETE and TRUNCATE on "AuditEvent" (hand-written).
CREATE FUNCTION "audit_event_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'AuditEvent is append-only: % is not allowed', TG_OP
    USING HINT = 'Audit events can only be inserted.';
END;
$$;

CREATE TRIGGER "AuditEvent_no_update_delete"
  BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION "audit_event_append_only"();

CREATE TRIGGER "AuditEvent_no_truncate"
  BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_append_only"();
