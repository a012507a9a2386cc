/**
 * Resolves once `condition()` holds, polling every 20 ms; rejects after `timeoutMs`.
 * For tests that wait on a watch or an informer to deliver.
 */
export async function waitFor(
  condition: () => boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`condition not met within ${timeoutMs} ms`);
    }
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}
