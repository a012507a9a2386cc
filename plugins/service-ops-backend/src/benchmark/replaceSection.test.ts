import { replaceSection } from './replaceSection';

const DOC = [
  '# Benchmarks',
  '',
  'Intro.',
  '',
  '## Sandbox',
  '',
  '| a | b |',
  '',
  '## Live state',
  '',
  'old figures',
  '',
  '## Later',
  '',
  'kept',
  '',
].join('\n');

describe('replaceSection', () => {
  it('replaces only the named section, keeping the ones before and after', () => {
    expect(
      replaceSection(DOC, 'Live state', '## Live state\n\nnew figures\n'),
    ).toBe(
      [
        '# Benchmarks',
        '',
        'Intro.',
        '',
        '## Sandbox',
        '',
        '| a | b |',
        '',
        '## Live state',
        '',
        'new figures',
        '',
        '## Later',
        '',
        'kept',
        '',
      ].join('\n'),
    );
  });

  it('appends the section when the document does not have it yet, and replaces it on the next run', () => {
    const first = replaceSection(
      '# Benchmarks\n\n## Sandbox\n\nfigures\n',
      'Live state',
      '## Live state\n\nrun 1\n',
    );
    expect(first).toBe(
      '# Benchmarks\n\n## Sandbox\n\nfigures\n\n## Live state\n\nrun 1\n',
    );
    expect(
      replaceSection(first, 'Live state', '## Live state\n\nrun 2\n'),
    ).toBe('# Benchmarks\n\n## Sandbox\n\nfigures\n\n## Live state\n\nrun 2\n');
  });

  it('does not take a section whose heading merely starts with the name', () => {
    expect(
      replaceSection(
        '## Live state extra\n\nx\n',
        'Live state',
        '## Live state\n\ny\n',
      ),
    ).toBe('## Live state extra\n\nx\n\n## Live state\n\ny\n');
  });
});
