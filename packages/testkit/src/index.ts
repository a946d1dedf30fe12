export * from './wait.ts';
export * from './stack.ts';
export { stopStacks } from './cleanup.ts';
export * from './graphql.ts';
export * from './browser.ts';
export * from './embedded.ts';
