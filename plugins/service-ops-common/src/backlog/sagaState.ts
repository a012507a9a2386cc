import type { SagaState, SagaStepName } from './sagaTypes';

/**
 * The subjects of the publish saga and the step each stands for. `publishId` in every
 * payload correlates them (docs/publish-saga.md).
 */
export const SAGA_SUBJECTS: Readonly<Record<SagaStepName, string>> = {
  'draft-published': 'authoring.course_draft.published.v1',
  built: 'content.play_package.built.v1',
  'build-failed': 'content.play_package.build_failed.v1',
  'course-version-published': 'catalog.course_version.published.v1',
  compensated: 'authoring.publish_saga.compensated.v1',
};

/** The steps in saga order. */
export const SAGA_STEPS: readonly SagaStepName[] = [
  'draft-published',
  'built',
  'build-failed',
  'course-version-published',
  'compensated',
];

/** The step a subject stands for; `undefined` for a subject outside the saga. */
export function sagaStepOfSubject(subject: string): SagaStepName | undefined {
  return SAGA_STEPS.find(step => SAGA_SUBJECTS[step] === subject);
}

/** How long each step may take after the one before it, in seconds. */
export interface SagaDeadlines {
  /** From the draft published to the PlayPackage built (or its build failing). */
  built: number;
  /** From the PlayPackage built to the course version published. */
  courseVersionPublished: number;
  /** From the build failing to the saga compensated. */
  compensated: number;
}

export const DEFAULT_SAGA_DEADLINES: SagaDeadlines = {
  built: 15 * 60,
  courseVersionPublished: 10 * 60,
  compensated: 10 * 60,
};

/** The state a projection stores: everything but `stuck`, which depends on the time. */
export type StoredSagaState = Exclude<SagaState, 'stuck'>;

/** A saga as its steps make it, whatever order they arrived in. */
export interface FoldedSaga {
  state: StoredSagaState;
  currentStep: SagaStepName;
  expectedStep?: SagaStepName;
  /** Epoch ms of the earliest and the latest step. */
  startedAt: number;
  updatedAt: number;
}

const RANK: Record<SagaStepName, number> = {
  'draft-published': 0,
  built: 1,
  'build-failed': 1,
  'course-version-published': 2,
  compensated: 2,
};

/**
 * Folds a saga's steps into its state: compensated over failed over completed over
 * running; the current step is the furthest one (the failure branch wins over a build
 * that also succeeded). Order-independent, so a replay gives the same saga.
 *
 * @param steps at least one step; `at` in epoch ms
 */
export function foldSagaSteps(
  steps: ReadonlyArray<{ step: SagaStepName; at: number }>,
): FoldedSaga {
  if (steps.length === 0) throw new Error('a saga has at least one step');
  const has = new Set(steps.map(s => s.step));
  const times = steps.map(s => s.at);
  const span = { startedAt: Math.min(...times), updatedAt: Math.max(...times) };
  if (has.has('compensated'))
    return { state: 'compensated', currentStep: 'compensated', ...span };
  if (has.has('build-failed'))
    return {
      state: 'failed',
      currentStep: 'build-failed',
      expectedStep: 'compensated',
      ...span,
    };
  if (has.has('course-version-published'))
    return {
      state: 'completed',
      currentStep: 'course-version-published',
      ...span,
    };
  const currentStep = [...has].sort((a, b) => RANK[b] - RANK[a])[0];
  return {
    state: 'running',
    currentStep,
    expectedStep:
      currentStep === 'built' ? 'course-version-published' : 'built',
    ...span,
  };
}

/** Seconds the expected step may take; `undefined` when nothing is expected. */
export function deadlineSeconds(
  expectedStep: SagaStepName | undefined,
  deadlines: SagaDeadlines,
): number | undefined {
  switch (expectedStep) {
    case 'built':
      return deadlines.built;
    case 'course-version-published':
      return deadlines.courseVersionPublished;
    case 'compensated':
      return deadlines.compensated;
    default:
      return undefined;
  }
}

/**
 * A saga's state now: a running or failed saga whose expected step is overdue
 * (no step for longer than its deadline since the last one) is `stuck`.
 */
export function classifySaga(options: {
  state: StoredSagaState;
  expectedStep?: SagaStepName;
  /** Epoch ms of the last step. */
  updatedAt: number;
  now: number;
  deadlines: SagaDeadlines;
}): { state: SagaState; dueAt?: number; overdueSeconds?: number } {
  const seconds = deadlineSeconds(options.expectedStep, options.deadlines);
  if (seconds === undefined) return { state: options.state };
  const dueAt = options.updatedAt + seconds * 1000;
  if (options.now <= dueAt) return { state: options.state, dueAt };
  return {
    state: 'stuck',
    dueAt,
    overdueSeconds: Math.floor((options.now - dueAt) / 1000),
  };
}
