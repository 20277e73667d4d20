import { MemoryStore } from '../../provider/src/store/memory';
import { storeContract } from './contract';

storeContract('memory', () => {
  const store = new MemoryStore();
  // Handles on one in-process state share the object; close() is a no-op for the shared one.
  return {
    open: async () => store,
    reopen: async () => Object.assign(Object.create(store) as MemoryStore, { close: async () => undefined }),
    enforcesUniqueBlocks: false,
  };
});
