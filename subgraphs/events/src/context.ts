import type { Logger } from '@booking/service-kit';
import type { ReadStore } from './read-model.ts';

export interface Context {
  userId: string | null;
  log: Logger;
  store: ReadStore;
}
