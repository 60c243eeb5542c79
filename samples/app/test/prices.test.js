import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDiscount, formatPrice, total } from '../src/prices.js';

test('a discount takes its percentage off, to the nearest cent', () => {
  assert.equal(applyDiscount(1999, 15), 1699);
  assert.equal(applyDiscount(1000, 0), 1000);
  assert.equal(applyDiscount(1000, 100), 0);
});

test('a discount outside 0 to 100 is refused', () => {
  assert.throws(() => applyDiscount(1000, 120), RangeError);
  assert.throws(() => applyDiscount(-1, 10), RangeError);
});

test('a total multiplies by quantity', () => {
  assert.equal(total([{ cents: 250, quantity: 4 }, { cents: 99 }]), 1099);
});

test('prices print with two decimals and a currency', () => {
  assert.equal(formatPrice(1234), '12.34 EUR');
  assert.equal(formatPrice(5, 'USD'), '0.05 USD');
});
