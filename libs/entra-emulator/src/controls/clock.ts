/**
 * The emulator's adjustable clock. Tokens it issues and the expiry checks it makes use this time,
 * so expiry can be tested without waiting.
 *
 * @example
 * ```ts
 * emu.clock.advance(3600); // an hour later for the emulator
 * console.log(emu.clock.now()); // epoch seconds
 * ```
 */
export class EmulatorClock {
  private offset = 0;

  /** Current emulator time in epoch seconds. */
  now(): number {
    return Math.floor(Date.now() / 1000) + this.offset;
  }

  /** Moves the emulator clock forward (or back with a negative value) by `seconds`. */
  advance(seconds: number): number {
    if (!Number.isFinite(seconds)) throw new RangeError('advance() needs a finite number of seconds');
    this.offset += Math.trunc(seconds);
    return this.now();
  }

  /** Sets the emulator clock to `epochSeconds`. */
  set(epochSeconds: number): number {
    if (!Number.isFinite(epochSeconds)) throw new RangeError('set() needs finite epoch seconds');
    this.offset = Math.trunc(epochSeconds) - Math.floor(Date.now() / 1000);
    return this.now();
  }

  /** Offset from the real clock in seconds. */
  get offsetSeconds(): number {
    return this.offset;
  }

  /** Back to real time. */
  reset(): void {
    this.offset = 0;
  }
}
