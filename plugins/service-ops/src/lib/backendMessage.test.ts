import { ResponseError } from '@backstage/errors';
import { backendMessage, isAnswered } from './backendMessage';

async function responseError(status: number, body: string) {
  return ResponseError.fromResponse(
    new Response(body, {
      status,
      headers: { 'content-type': 'application/json' },
    }),
  );
}

describe('backendMessage', () => {
  it('takes the backend’s message from its error body', async () => {
    const error = await responseError(
      400,
      JSON.stringify({
        error: {
          name: 'InputError',
          message: 'reason must say why, in at least 10 characters',
        },
        request: { method: 'POST', url: '/operations/collab-drain' },
        response: { statusCode: 400 },
      }),
    );
    expect(backendMessage(error)).toBe(
      'reason must say why, in at least 10 characters',
    );
    expect(isAnswered(error)).toBe(true);
  });

  it('says what came back when the answer is not the backend’s JSON', async () => {
    const error = await responseError(502, 'Bad Gateway');
    expect(backendMessage(error)).toMatch(/502.*Bad Gateway/);
  });

  it('keeps a network failure’s own message', () => {
    const error = new TypeError('Failed to fetch');
    expect(backendMessage(error)).toBe('Failed to fetch');
    expect(isAnswered(error)).toBe(false);
  });
});
