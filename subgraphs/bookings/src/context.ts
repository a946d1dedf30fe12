import type { Logger } from '@booking/service-kit';

export interface Context {
  /** The caller, as forwarded by the gateway; null for anonymous calls. */
  userId: string | null;
  log: Logger;
}
