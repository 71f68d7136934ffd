/**
 * At most `count` byte buffers of one size, lent out and given back: a caller that finds none
 * free waits for one. Bounds how many encoded chunks exist at once and reuses their memory (a
 * fresh multi-MiB array costs more in page faults than filling it).
 */
export class BufferPool {
  private readonly free: Uint8Array[] = [];
  private readonly waiting: ((b: Uint8Array) => void)[] = [];
  private made = 0;

  constructor(readonly size: number, readonly count: number) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`a buffer pool needs at least one buffer, not ${count}`);
  }

  take(): Promise<Uint8Array> {
    const b = this.free.pop();
    if (b !== undefined) return Promise.resolve(b);
    if (this.made < this.count) {
      this.made++;
      return Promise.resolve(new Uint8Array(this.size));
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  give(b: Uint8Array): void {
    const next = this.waiting.shift();
    if (next !== undefined) next(b);
    else this.free.push(b);
  }
}
