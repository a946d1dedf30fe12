export * from './topics.ts';
export * from './messages.ts';
export * from './errors.ts';
