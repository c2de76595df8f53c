/** What a step saw: the HTTP status (or a pseudo-status for a sign-in) and a short result. */
export interface StepOutcome {
  readonly status: number;
  readonly summary?: string;
}

interface StepResult {
  readonly label: string;
  readonly ok: boolean;
}

const GREEN = '\u001b[32m';
const RED = '\u001b[31m';
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

/**
 * Runs the demo's steps one after the other and prints each as one line:
 * `✔ GET /api/todolist (alice) → 200 [2 items]`. A step passes when its status is the expected one
 * and its own check (if any) holds; the verdict is PASS only when every step passed.
 */
export class Scenario {
  private readonly results: StepResult[] = [];

  constructor(private readonly color = process.stdout.isTTY && !process.env.NO_COLOR) {}

  /**
   * Runs one step. `run` returns what it saw; `check` may add a condition on the result and returns
   * a reason when it fails. A thrown error fails the step (and is printed), it does not stop the demo.
   */
  async step<T extends StepOutcome>(
    label: string,
    expectedStatus: number,
    run: () => Promise<T>,
    check?: (outcome: T) => string | undefined,
  ): Promise<T | undefined> {
    let outcome: T;
    try {
      outcome = await run();
    } catch (e) {
      this.print(false, `${label} → error, expected ${expectedStatus}: ${e instanceof Error ? e.message : String(e)}`);
      this.results.push({ label, ok: false });
      return undefined;
    }
    const problem =
      outcome.status !== expectedStatus ? `expected ${expectedStatus}` : check ? check(outcome) : undefined;
    const summary = outcome.summary ? ` [${outcome.summary}]` : '';
    this.print(!problem, `${label} → ${outcome.status}${summary}${problem ? `  ✘ ${problem}` : ''}`);
    this.results.push({ label, ok: !problem });
    return outcome;
  }

  /** Prints a line that is not a step (a section title, a note). */
  note(text: string): void {
    console.log(this.color ? `${DIM}${text}${RESET}` : text);
  }

  /** Steps that passed, steps in all, and whether all passed. */
  verdict(): { passed: number; total: number; ok: boolean } {
    const passed = this.results.filter((r) => r.ok).length;
    return { passed, total: this.results.length, ok: passed === this.results.length && passed > 0 };
  }

  private print(ok: boolean, text: string): void {
    const mark = ok ? '✔' : '✘';
    console.log(this.color ? `${ok ? GREEN : RED}${mark}${RESET} ${text}` : `${mark} ${text}`);
  }
}
