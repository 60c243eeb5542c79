// The HTTP handler: GET /healthz, and GET /price?cents=1999&discount=15.
import { createServer } from 'node:http';
import { applyDiscount, formatPrice } from './prices.js';

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function handle(req, res) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method !== 'GET') {
    return send(res, 405, { error: 'only GET is served' });
  }
  if (url.pathname === '/healthz') {
    return send(res, 200, { ok: true });
  }
  if (url.pathname === '/price') {
    const cents = Number(url.searchParams.get('cents'));
    const discount = Number(url.searchParams.get('discount') ?? 0);
    try {
      const price = applyDiscount(cents, discount);
      return send(res, 200, { cents: price, text: formatPrice(price) });
    } catch (err) {
      return send(res, 400, { error: err.message });
    }
  }
  return send(res, 404, { error: `no route for ${url.pathname}` });
}

export function makeServer() {
  return createServer(handle);
}
