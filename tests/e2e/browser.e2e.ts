import { afterAll, beforeAll, describe } from 'vitest';
import { startStack, type Stack } from '@booking/testkit';
import { buildWeb } from '../../web/build.ts';
import { browserTests } from './browser-scenarios.ts';

let stack: Stack;
beforeAll(async () => {
  // The pages under test are the ones built from the current sources.
  await buildWeb();
  stack = await startStack('browser');
});
afterAll(async () => {
  await stack?.stop();
});

describe('seat-map page and GraphiQL in headless Chromium, through NGINX', () => {
  browserTests(() => stack.url);
});
