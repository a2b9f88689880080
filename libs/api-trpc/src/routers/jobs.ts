import { authedProcedure, router } from '../trpc';
import { idInput } from '../inputs';

export const jobsRouter = router({
  /** Job status and progress (from pg-boss / the worker). */
  get: authedProcedure.input(idInput).query(({ ctx, input }) => ctx.services.jobs.get(ctx.actor, input.id)),
});
