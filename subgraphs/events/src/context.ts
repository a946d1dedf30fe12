import type { Logger } from '@booking/service-kit';
import type { ReadStore } from './read-model.ts';
import type { ReadViews } from './views.ts';

export interface Context {
  /** The caller, from the end user's token the gateway forwards (verified here again); null for anonymous calls. */
  userId: string | null;
  /** The token's roles, e.g. `admin`; empty for anonymous calls. */
  roles: string[];
  log: Logger;
  store: ReadStore;
  views: ReadViews;
}
