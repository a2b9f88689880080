export { appRouter, createCaller, type AppRouter } from './root';
export { createContext, type Context, type ProcedureMeta, type RequestInfo } from './trpc';
export { DOMAIN_TO_TRPC, toTRPCError } from './errors';
export type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
