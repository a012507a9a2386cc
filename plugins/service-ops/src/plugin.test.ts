import { serviceOpsPlugin } from './plugin';

describe('service-ops', () => {
  it('should export plugin', () => {
    expect(serviceOpsPlugin).toBeDefined();
  });
});
