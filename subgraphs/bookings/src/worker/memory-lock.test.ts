import { lockContract } from '../../../../tests/contracts/lock.ts';
import { createMemoryLockService } from './memory-lock.ts';

lockContract('in process', async (retry) => ({ locks: createMemoryLockService(retry), key: (k) => k, close: async () => undefined }));
