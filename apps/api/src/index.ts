export { createApiServer, API_VERSION, type ApiServer, type ApiServerOptions } from './server';
