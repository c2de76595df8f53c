import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Scenario } from './scenario.js';

describe('Scenario', () => {
  let printed: string[];
  beforeEach(() => {
    printed = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('passes a step with the expected status and prints request, status and result', async () => {
    const scenario = new Scenario(false);
    await scenario.step('GET /api/todolist (alice)', 200, () => Promise.resolve({ status: 200, summary: '2 items' }));
    expect(printed).toEqual(['✔ GET /api/todolist (alice) → 200 [2 items]']);
    expect(scenario.verdict()).toEqual({ passed: 1, total: 1, ok: true });
  });

  it('fails a step with another status, or whose own check fails, and keeps going', async () => {
    const scenario = new Scenario(false);
    await scenario.step('no token', 401, () => Promise.resolve({ status: 200 }));
    await scenario.step(
      'bob',
      200,
      () => Promise.resolve({ status: 200, items: 2 }),
      (o) => (o.items === 0 ? undefined : "bob must not see alice's items"),
    );
    await scenario.step('me', 200, () => Promise.resolve({ status: 200 }));
    expect(printed[0]).toBe('✘ no token → 200  ✘ expected 401');
    expect(printed[1]).toBe("✘ bob → 200  ✘ bob must not see alice's items");
    expect(scenario.verdict()).toEqual({ passed: 1, total: 3, ok: false });
  });

  it('turns a thrown error into a failed step', async () => {
    const scenario = new Scenario(false);
    const outcome = await scenario.step('sign in', 200, () => Promise.reject(new Error('endpoints_resolution_error')));
    expect(outcome).toBeUndefined();
    expect(printed).toEqual(['✘ sign in → error, expected 200: endpoints_resolution_error']);
    expect(scenario.verdict().ok).toBe(false);
  });

  it('is not a pass without any step', () => {
    expect(new Scenario(false).verdict()).toEqual({ passed: 0, total: 0, ok: false });
  });
});
