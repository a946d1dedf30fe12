export * from './input.ts';
export * from './decide.ts';
export * from './event.ts';
export * from './ports.ts';
