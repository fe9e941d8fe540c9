/** The persons a simulation bills: round-robin, one encounter at a time per person. */


// ---------------------------------------------------------------------------------------------------------------------
// Persons: round-robin, one encounter at a time per person

/** Reads certnos: one per line; blank lines and lines starting with # are skipped. */
export function parsePersonsList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split(/[\s,]/)[0] as string);
}

/**
 * Hands out persons strictly round-robin (the k-th flow gets person k mod n, so that every person gets the same number of
 * flows), never the same person to two flows at once: a patient is in one encounter at a time, and a second admission
 * while one is open would be refused. A flow whose person is still busy waits for that person.
 */
export class PersonPool {
  private readonly busy: boolean[];
  private readonly queues: (() => void)[][];
  private ticket = 0;

  constructor(readonly certnos: readonly string[]) {
    if (certnos.length === 0) throw new Error("no persons given");
    this.busy = certnos.map(() => false);
    this.queues = certnos.map(() => []);
  }

  acquire(signal?: AbortSignal): Promise<{ index: number; certno: string }> {
    const index = this.ticket++ % this.certnos.length;
    const lease = { index, certno: this.certnos[index] as string };
    if (!this.busy[index]) {
      this.busy[index] = true;
      return Promise.resolve(lease);
    }
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const queue = this.queues[index] as (() => void)[];
      const onAbort = () => {
        const at = queue.indexOf(grant);
        if (at >= 0) queue.splice(at, 1);
        reject(signal?.reason);
      };
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve(lease);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      queue.push(grant);
    });
  }

  /** Gives the person back: to the next flow waiting for them, else free. */
  release(index: number): void {
    const next = this.queues[index]?.shift();
    if (next) next();
    else this.busy[index] = false;
  }
}
