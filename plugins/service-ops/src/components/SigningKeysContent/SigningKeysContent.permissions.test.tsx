import { screen } from '@testing-library/react';
import { fakeKeys, renderTab } from '../../__testUtils__/signingKeys';

// In a file of its own: the permission answers are cached per page load.
describe('SigningKeysContent without the rotate permission', () => {
  it('shows the inventory and says why there is no Rotate', async () => {
    await renderTab({ keys: fakeKeys(), denyRotate: true });
    expect(
      await screen.findByText('You may not rotate signing keys'),
    ).toBeInTheDocument();
    await screen.findByRole('table', { name: 'signing keys per tenant' });
    expect(
      screen.queryByRole('button', { name: 'rotate oasis-learning' }),
    ).toBeNull();
    expect(screen.queryByRole('button', { name: /selected/ })).toBeNull();
  });
});
