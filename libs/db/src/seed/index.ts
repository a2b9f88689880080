export * from './csv';
export * from './datasets';
export * from './models';
export * from './demo';
