import { afterAll } from 'vitest';
import { stopStacks } from '@booking/testkit';

// After each file's own hooks: stops what a timed-out setup hook started and never got back.
afterAll(() => stopStacks(), 60_000);
