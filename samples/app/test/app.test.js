import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeServer } from '../src/app.js';

async function get(path) {
  const server = makeServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${server.address().port}${path}`);
    return { status: res.status, body: await res.json() };
  } finally {
    server.close();
  }
}

describe('GET /price', () => {
  it('applies the discount', async () => {
    const { status, body } = await get('/price?cents=2000&discount=25');
    assert.equal(status, 200);
    assert.deepEqual(body, { cents: 1500, text: '15.00 EUR' });
  });

  it('answers a bad discount with a 400 that says why', async () => {
    const { status, body } = await get('/price?cents=2000&discount=150');
    assert.equal(status, 400);
    assert.match(body.error, /0 to 100/);
  });
});
