/** Small repositories over the Prisma client (`select`, never `include`). Use cases may also query Prisma directly. */
export * from './patients';
export * from './audit';
export * from './jobs';
export * from './segmentations';
export * from './cohorts';
