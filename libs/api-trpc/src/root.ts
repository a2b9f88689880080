/**
 * The application router: one line per area. Adding a router is an explicit, reviewable change here.
 */
import { createCallerFactory, router } from './trpc';
import { adminRouter } from './routers/admin';
import { authRouter } from './routers/auth';
import { boardsRouter } from './routers/boards';
import { cohortsRouter } from './routers/cohorts';
import { featuresRouter } from './routers/features';
import { jobsRouter } from './routers/jobs';
import { labRouter } from './routers/lab';
import { modelsRouter } from './routers/models';
import { patientsRouter } from './routers/patients';
import { predictionsRouter } from './routers/predictions';
import { segmentationsRouter } from './routers/segmentations';
import { reportsRouter } from './routers/reports';
import { exportsRouter } from './routers/exports';
import { pacsRouter } from './routers/pacs';

export const appRouter = router({
  auth: authRouter,
  patients: patientsRouter,
  models: modelsRouter,
  predictions: predictionsRouter,
  features: featuresRouter,
  segmentations: segmentationsRouter,
  reports: reportsRouter,
  boards: boardsRouter,
  cohorts: cohortsRouter,
  lab: labRouter,
  jobs: jobsRouter,
  admin: adminRouter,
  exports: exportsRouter,
  pacs: pacsRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side caller (tests, scripts): `createCaller(await createContext(services, req))`. */
export const createCaller = createCallerFactory(appRouter);
