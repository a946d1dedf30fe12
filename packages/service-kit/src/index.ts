export * from './logger.ts';
export * from './lifecycle.ts';
export * from './health.ts';
export * from './kafka.ts';
export * from './graphql-server.ts';
