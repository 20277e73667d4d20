/**
 * Closes what a test opened once it ends, passed or failed. A test that fails halfway must not
 * leave a server, a client or a child process behind: mocha would then wait for them forever
 * and a regression would hang CI instead of failing it.
 *
 *   const defer = useCleanup();            // in a describe block
 *   const service = await startInProcess(store);
 *   defer(() => service.close());          // right after opening
 */
export function useCleanup(): (close: () => unknown) => void {
  const pending: (() => unknown)[] = [];
  afterEach(async () => {
    const errors: unknown[] = [];
    // Newest first: a client closes before the server it talks to.
    for (const close of pending.splice(0).reverse()) {
      try {
        await close();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length > 0) throw errors[0];
  });
  return (close) => {
    pending.push(close);
  };
}
