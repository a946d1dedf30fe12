import { afterAll, beforeAll } from 'vitest';
import { startEmbedded, type Embedded } from '@booking/testkit';
import { lifecycleScenarios } from './lifecycle-scenarios.ts';
import { wsClients } from './ws.ts';

let system: Embedded;
const ws = wsClients();
beforeAll(async () => {
  system = await startEmbedded('lifecycle');
});
afterAll(async () => {
  await ws.dispose();
  await system?.stop();
});

lifecycleScenarios('embedded mode', () => system, ws);
