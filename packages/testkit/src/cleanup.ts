/**
 * Stops of every system (stack or embedded process) this process started and
 * has not stopped, including one still starting: a setup hook that timed out
 * never gets the system back to stop it, and its processes would otherwise
 * outlive the test file and slow down every file after it.
 */
const unstopped = new Set<() => Promise<unknown>>();

/** Registers a system's stop; the returned function forgets it (call it when the system stops). */
export function trackStop(stop: () => Promise<unknown>): () => void {
  unstopped.add(stop);
  return () => unstopped.delete(stop);
}

/** Stops every system of this process still running or starting (the e2e setup calls it after each file). */
export async function stopStacks(): Promise<void> {
  await Promise.all([...unstopped].map((stop) => stop().catch(() => undefined)));
}
