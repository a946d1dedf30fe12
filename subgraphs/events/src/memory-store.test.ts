import { readStoreContract } from '../../../tests/contracts/read-store.ts';
import { createMemoryReadStore } from './memory-store.ts';

readStoreContract('in process', async () => ({ store: createMemoryReadStore(), close: async () => undefined }));
