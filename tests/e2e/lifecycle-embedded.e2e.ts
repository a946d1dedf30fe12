import { afterAll, beforeAll } from 'vitest';
import { startEmbedded, type Embedded } from '@booking/testkit';
import { ADMIN, lifecycleScenarios } from './lifecycle-scenarios.ts';
import { wsClients } from './ws.ts';

let system: Embedded;
const ws = wsClients();
beforeAll(async () => {
  system = await startEmbedded('lifecycle', { env: { ADMIN_USERS: ADMIN } });
});
afterAll(async () => {
  await ws.dispose();
  await system?.stop();
});

lifecycleScenarios('embedded mode', () => system, ws);
