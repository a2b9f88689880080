/**
 * @hepatoscope/services — use cases over the database and the pure libraries. Transport-free: callers (the tRPC
 * API, the CLI, the worker) pass an `Actor` and get JSON-safe DTOs back or a coded `DomainError`.
 *
 *   const services = createServices({ prisma: db.prisma, dbKind: db.kind, filesDir: config.filesDir });
 *   await services.patients.list(actor, { page: 1, pageSize: 25 });
 */
import { resolveDeps, type ServiceDeps } from './deps';
import { createAccess } from './usecases/access';
import { createAdminService } from './usecases/admin';
import { createAuditService } from './usecases/audit';
import { createAuthService } from './usecases/auth';
import { createBoardsService } from './usecases/boards';
import { createCohortsService } from './usecases/cohorts';
import { createFeaturesService } from './usecases/features';
import { createFilesService } from './usecases/files';
import { createJobsService } from './usecases/jobs';
import { createLabService } from './usecases/lab';
import { createModelsService } from './usecases/models';
import { createPatientsService } from './usecases/patients';
import { createPredictionsService } from './usecases/predictions';
import { createValidationService } from './usecases/validation';
import { createSegmentationsService } from './usecases/segmentations';
import { createReportsService } from './usecases/reports';
import { createImagingService } from './usecases/imaging';
import { createLlmService } from './usecases/llm';
import { createExportService } from './usecases/export';
import { createPacsService } from './usecases/pacs';

export function createServices(d: ServiceDeps) {
  const deps = resolveDeps(d);
  const audit = createAuditService(deps);
  const access = createAccess(deps);
  const segmentations = createSegmentationsService(deps, access);
  const features = createFeaturesService(deps, access);
  const auth = createAuthService(deps, audit);
  const admin = createAdminService(deps);
  return {
    deps,
    audit,
    access,
    auth,
    patients: createPatientsService(deps, access),
    models: createModelsService(deps),
    validation: createValidationService(deps),
    predictions: createPredictionsService(deps, access),
    features,
    boards: createBoardsService(deps, access),
    cohorts: createCohortsService(deps),
    lab: createLabService(deps),
    segmentations,
    imaging: createImagingService(deps, access),
    llm: createLlmService(deps, access),
    reports: createReportsService(deps, access),
    /** PACS over DICOMweb (QIDO/WADO import, STOW export of SEG and reports). */
    pacs: createPacsService(deps, access, createReportsService(deps, access)),
    jobs: createJobsService(deps, async (id) => {
      await segmentations.importJobResult(id);
      await features.importJobResult(id);
    }),
    admin: {
      ...admin,
      // a disabled account's cached sessions must not outlive the change in this process
      async setUserDisabled(...a: Parameters<typeof admin.setUserDisabled>) {
        const r = await admin.setUserDisabled(...a);
        auth.forgetUser(a[1]);
        return r;
      },
    },
    files: createFilesService(deps, access),
    exports: createExportService(deps, access),
  };
}

export type Services = ReturnType<typeof createServices>;

export type { ServiceDeps } from './deps';
export * from './errors';
export * from './types';
export { hashPassword, verifyPassword, DEFAULT_BCRYPT_COST } from './auth/password';
export { hashToken, newToken, safeEqual } from './auth/tokens';
export { lockoutState, DEFAULT_LOCKOUT, type LockoutPolicy, type LockoutState } from './auth/lockout';
export { patientScope } from './usecases/access';
export { resolveStorageUri, type FileRef } from './usecases/files';
export { parseCsv } from './cohorts/csv';
export { validatePatientCsv, CSV_TARGET_FIELDS, type CsvTarget } from './cohorts/validate';
export * from './scoring/linear';
export { clinicalValue, gradeOf } from './usecases/predictions';
export { phantomImagingProvider } from './demo/phantom-imaging';
export {
  seedRadiomicsDemo,
  RADIOMICS_DEMO_MODEL,
  RADIOMICS_DEMO_COHORT,
  RADIOMICS_DEMO_FEATURES,
  type RadiomicsDemoResult,
} from './demo/radiomics-demo';
export { INDEX_LESION_RULE, indexLesionFeatures } from './usecases/radiomic-inputs';
export { checkMask, MAX_MASK_UPLOAD_BYTES } from './usecases/segmentations';
export { renderTextPdf } from './usecases/pdf';
export { htmlToText, REWRITE_INSTRUCTION, type LlmSettings } from './usecases/llm';
export {
  MAX_DICOM_ZIP_BYTES,
  MAX_SERIES_UPLOAD_BYTES,
  unzipDicomArchive,
  type NiftiUploadMeta,
} from './usecases/imaging';
export { featureDeltas, canonicalHash, type FeatureDelta, type FeatureRow } from './usecases/features';
export { renderReportHtml, esc, type ReportContent } from './usecases/reports';
export { predictorDefs } from './usecases/models';
export { MAX_ONNX_UPLOAD_BYTES, type OnnxUploadInput } from './usecases/models-onnx';
export type { OnnxVerification } from './deps';
export { ensureDemoUsers, DEMO_USERS } from './usecases/demo';
/** Test data set for integration tests (not used at run time). */
export { createFixture, FIXTURE_PASSWORD, type Fixture } from './fixture';
export { outcomeValue, stratifiedFolds } from './usecases/lab';
export {
  pseudonymFor,
  dateShiftFor,
  resolvePseudonymKey,
  csvCell,
  CSV_COLUMNS as EXPORT_CSV_COLUMNS,
  type CsvExport,
} from './usecases/export';
export {
  buildEncapsulatedPdf,
  uidFromName,
  qidoDateRange,
  PACS_SETTING_KEY,
  SOP_SEG,
  SOP_ENCAPSULATED_PDF,
  type PacsSettingsView,
  type PacsSettingsInput,
  type PacsSearchInput,
} from './usecases/pacs';
