import sagas from './__fixtures__/sagas.json';
import { classifyBacklog } from './classifyBacklog';
import {
  classifySaga,
  DEFAULT_SAGA_DEADLINES,
  foldSagaSteps,
  sagaStepOfSubject,
  SAGA_SUBJECTS,
} from './sagaState';
import type { SagaStepName } from './sagaTypes';

describe('foldSagaSteps', () => {
  it.each(sagas.map(s => [s.name, s] as const))('%s', (_name, fixture) => {
    const steps = fixture.steps.map(s => ({
      step: s.step as SagaStepName,
      at: s.at,
    }));
    expect(foldSagaSteps(steps)).toEqual(fixture.folded);
    expect(foldSagaSteps([...steps].reverse())).toEqual(fixture.folded);
  });
});

describe('classifySaga', () => {
  const MIN = 60_000;
  it('is stuck once the expected step is overdue, not before', () => {
    const saga = {
      state: 'running' as const,
      expectedStep: 'built' as const,
      updatedAt: 0,
      deadlines: DEFAULT_SAGA_DEADLINES,
    };
    expect(classifySaga({ ...saga, now: 15 * MIN })).toEqual({
      state: 'running',
      dueAt: 15 * MIN,
    });
    expect(classifySaga({ ...saga, now: 16 * MIN })).toEqual({
      state: 'stuck',
      dueAt: 15 * MIN,
      overdueSeconds: 60,
    });
  });

  it('applies the deadline of the step expected next', () => {
    const now = 11 * MIN;
    const deadlines = DEFAULT_SAGA_DEADLINES;
    expect(
      classifySaga({
        state: 'running',
        expectedStep: 'course-version-published',
        updatedAt: 0,
        now,
        deadlines,
      }).state,
    ).toBe('stuck');
    expect(
      classifySaga({
        state: 'failed',
        expectedStep: 'compensated',
        updatedAt: 0,
        now,
        deadlines,
      }).state,
    ).toBe('stuck');
    expect(
      classifySaga({ state: 'completed', updatedAt: 0, now, deadlines }),
    ).toEqual({ state: 'completed' });
  });
});

describe('sagaStepOfSubject', () => {
  it('knows the five saga subjects and nothing else', () => {
    for (const [step, subject] of Object.entries(SAGA_SUBJECTS)) {
      expect(sagaStepOfSubject(subject)).toBe(step);
    }
    expect(
      sagaStepOfSubject('content.play_package.bundle.published.v1'),
    ).toBeUndefined();
  });
});

describe('classifyBacklog', () => {
  const total = { value: 50, per: 'total' as const };
  it('compares items with a total threshold as KEDA does (strictly above)', () => {
    expect(classifyBacklog({ items: 51, threshold: total })).toBe('above');
    expect(classifyBacklog({ items: 50, threshold: total })).toBe('below');
  });

  it('counts a per-pod threshold once per Ready pod, unknown without pods', () => {
    const perPod = { value: 100, per: 'pod' as const };
    expect(
      classifyBacklog({ items: 250, threshold: perPod, readyPods: 3 }),
    ).toBe('below');
    expect(
      classifyBacklog({ items: 350, threshold: perPod, readyPods: 3 }),
    ).toBe('above');
    expect(classifyBacklog({ items: 350, threshold: perPod })).toBe('unknown');
  });

  it('is unknown without figures or without a threshold', () => {
    expect(classifyBacklog({ threshold: total })).toBe('unknown');
    expect(classifyBacklog({ items: 10 })).toBe('unknown');
  });
});
