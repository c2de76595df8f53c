import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { SessionKeySealer } from './session-key-sealer.js';

const sessionKey = `lrs_${randomBytes(32).toString('base64url')}`;

describe('SessionKeySealer', () => {
  const current = randomBytes(32).toString('base64');
  const previous = randomBytes(32).toString('base64');

  it('seals with the first key, bound to the job id, with no trace of the key in the value', () => {
    const sealer = new SessionKeySealer([current]);
    const sealed = sealer.seal(sessionKey, 'job-1');
    expect(sealed).toMatch(/^s1:/);
    expect(sealed).not.toContain(sessionKey.slice(4, 20));
    expect(sealer.open(sealed, 'job-1')).toBe(sessionKey);
    // Moved to another job, tampered with, or sealed with a key no longer configured: unreadable.
    expect(sealer.open(sealed, 'job-2')).toBeUndefined();
    expect(
      sealer.open(
        sealed.replace(/:(.)/, (_, c: string) => `:${c === 'A' ? 'B' : 'A'}`),
        'job-1',
      ),
    ).toBeUndefined();
    expect(new SessionKeySealer([previous]).open(sealed, 'job-1')).toBeUndefined();
  });

  it('opens values sealed with an older key during a rotation', () => {
    const sealed = new SessionKeySealer([previous]).seal(sessionKey, 'job-1');
    expect(new SessionKeySealer([current, previous]).open(sealed, 'job-1')).toBe(sessionKey);
  });

  it('stores the key as is without encryption keys, and refuses plain values once keys are configured', () => {
    const plain = new SessionKeySealer().seal(sessionKey, 'job-1');
    expect(new SessionKeySealer().open(plain, 'job-1')).toBe(sessionKey);
    expect(new SessionKeySealer([current]).open(plain, 'job-1')).toBeUndefined();
    expect(new SessionKeySealer().open('garbage', 'job-1')).toBeUndefined();
  });
});
