/**
 * The emulator's adjustable clock. Tokens it issues and the expiry checks it makes use this time,
 * so expiry can be tested without waiting.
 *
 * @example
 * ```ts
 * emu.clock.advance(3600); // an hour later for the emulator
 * console.log(emu.clock.now()); // epoch seconds
 * jwt.verify(token, key, { clockTimestamp: emu.clock.now() }); // a validator on the emulator's time
 * ```
 */
export class EmulatorClock {
  private offset = 0;

  /** Latest time the clock can show: 9999-12-31T23:59:59Z (tokens and error timestamps need a valid date). */
  static readonly MAX_EPOCH_SECONDS = 253_402_300_799;

  /** Current emulator time in epoch seconds. */
  now(): number {
    return Math.floor(Date.now() / 1000) + this.offset;
  }

  /** Moves the emulator clock forward (or back with a negative value) by `seconds`. */
  advance(seconds: number): number {
    if (!Number.isFinite(seconds)) throw new RangeError('advance() needs a finite number of seconds');
    return this.set(this.now() + Math.trunc(seconds));
  }

  /** Sets the emulator clock to `epochSeconds`. */
  set(epochSeconds: number): number {
    if (!Number.isFinite(epochSeconds) || epochSeconds < 0 || epochSeconds > EmulatorClock.MAX_EPOCH_SECONDS)
      throw new RangeError('the emulator clock must stay between 1970 and 9999 (epoch seconds 0..253402300799)');
    this.offset = Math.trunc(epochSeconds) - Math.floor(Date.now() / 1000);
    return this.now();
  }

  /**
   * Current emulator time as a `Date`: hand it to the validator under test when the clock has been
   * moved (jose `jwtVerify(..., { currentDate: emu.clock.date() })`; jsonwebtoken takes
   * `clockTimestamp: emu.clock.now()`), since tokens issued after `advance()` have `iat`/`nbf` in the
   * real clock's future.
   */
  date(): Date {
    return new Date(this.now() * 1000);
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
