import { readDeclaredContainer } from './readDeclaredContainer';

const entity = (serviceOps?: unknown) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'authoring-api' },
  spec: { type: 'service', ...(serviceOps ? { serviceOps } : {}) },
});

describe('readDeclaredContainer', () => {
  it('reads a generated container', () => {
    const result = readDeclaredContainer(
      entity({
        service: 'component:default/authoring-service',
        container: 'authoring-api',
        scaling: {
          min: 3,
          max: 30,
          triggers: [
            {
              metric: 'cpu',
              metricText: 'CPU',
              comparison: '>',
              threshold: 60,
              basis: 'percent',
            },
          ],
          text: 'CPU > 60%',
          source: 'file:///doc.md#L16',
        },
      }),
    );
    expect(result).toMatchObject({
      kind: 'container',
      container: { scaling: { min: 3, max: 30 } },
    });
  });

  it('says none for other entities', () => {
    expect(readDeclaredContainer(entity())).toEqual({ kind: 'none' });
  });

  it('names the field that has the wrong shape', () => {
    expect(
      readDeclaredContainer(
        entity({
          service: 's',
          container: 'c',
          scaling: {
            min: 'three',
            max: 30,
            triggers: [],
            text: '',
            source: '',
          },
        }),
      ),
    ).toEqual({
      kind: 'invalid',
      message: 'spec.serviceOps.scaling.min: Expected number, received string',
    });
  });
});
