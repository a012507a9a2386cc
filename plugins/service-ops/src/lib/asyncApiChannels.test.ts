import { asyncApiChannels } from './asyncApiChannels';

describe('asyncApiChannels', () => {
  it('reads the channels of a YAML definition', () => {
    const yaml = [
      'asyncapi: 2.6.0',
      'info:',
      '  title: authoring.course_draft.published.v1',
      'channels:',
      '  authoring.course_draft.published.v1:',
      '    subscribe:',
      '      message:',
      '        name: CourseDraftPublished',
      "  'content.play_package.built.v1':",
      '    publish: {}',
      'components:',
      '  schemas: {}',
    ].join('\n');
    expect(asyncApiChannels(yaml)).toEqual([
      'authoring.course_draft.published.v1',
      'content.play_package.built.v1',
    ]);
  });

  it('reads the channels of a JSON definition', () => {
    expect(
      asyncApiChannels(
        JSON.stringify({ channels: { 'enrollment.created.v1': {} } }),
      ),
    ).toEqual(['enrollment.created.v1']);
  });

  it('returns nothing for a definition without channels', () => {
    expect(asyncApiChannels('openapi: 3.0.3\npaths: {}')).toEqual([]);
    expect(asyncApiChannels(undefined)).toEqual([]);
    expect(asyncApiChannels('{ not json')).toEqual([]);
  });
});
