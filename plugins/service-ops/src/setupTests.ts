import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// jsdom does not lay out SVG; the DependencyGraph measures its nodes and labels.
Object.defineProperty(window.SVGElement.prototype, 'getBBox', {
  configurable: true,
  value: () => ({ x: 0, y: 0, width: 120, height: 40 }),
});

// CI runs every suite of the repository on two cores at once: a whole test app
// can take more than jest's 5 s to render, and a findBy more than the 1 s that
// Testing Library waits by default. Timeouts here bound a hang; they time nothing.
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 10_000 });
