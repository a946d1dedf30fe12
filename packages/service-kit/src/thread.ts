import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running a TypeScript module. A thread runs its entry
 * without the parent's module hooks, so the entry registers tsx before it
 * loads the module.
 */
export function startTypeScriptThread(module: URL, options?: WorkerOptions): Worker {
  const code = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(module.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), options);
}
