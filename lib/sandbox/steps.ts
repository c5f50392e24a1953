/**
 * The step machinery of addInterface/addVeth: each kernel request is a named step; a failure is
 * held as a StepFailure until the rollback has run, then becomes a SandboxError carrying both.
 */
import { SandboxError, type SandboxStep } from './errors.js';

/** A failed step, turned into a SandboxError once the rollback has run. */
export class StepFailure {
  constructor(readonly step: SandboxStep, readonly message: string, readonly cause: unknown) {}

  toError(rollbackErrors: readonly Error[] = []): SandboxError {
    return new SandboxError(this.step, this.message, { cause: this.cause, rollbackErrors });
  }
}

/** Awaits `p`, turning a rejection into a StepFailure. */
export async function step<T>(p: Promise<T>, name: SandboxStep, message: string): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw new StepFailure(name, message, e);
  }
}

/** One request of a stage: started in order, in the same tick, so they share one datagram. */
export interface StageStep {
  step: SandboxStep;
  message: string;
  run: () => Promise<unknown>;
}

/** Runs the steps of a stage together; throws the first failure (in step order) once all settled. */
export async function stage(steps: readonly StageStep[]): Promise<void> {
  if (steps.length === 0) return;
  const results = await Promise.allSettled(steps.map((s) => s.run()));
  results.forEach((r, i) => {
    if (r.status === 'rejected') throw new StepFailure(steps[i]!.step, steps[i]!.message, r.reason);
  });
}
