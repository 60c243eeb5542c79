// Prices are whole cents, so sums and discounts stay exact.

function checkCents(cents) {
  if (!Number.isInteger(cents) || cents < 0) {
    throw new RangeError(`a price is a whole number of cents, not ${cents}`);
  }
  return cents;
}

/** The price after a percentage discount (0 to 100), rounded to the nearest cent. */
export function applyDiscount(cents, percent) {
  checkCents(cents);
  if (typeof percent !== 'number' || percent < 0 || percent > 100) {
    throw new RangeError(`a discount is a percentage from 0 to 100, not ${percent}`);
  }
  return Math.round((cents * (100 - percent)) / 100);
}

/** The sum of items, each { cents, quantity }. */
export function total(items) {
  let sum = 0;
  for (const item of items) {
    const quantity = item.quantity ?? 1;
    if (!Number.isInteger(quantity) || quantity < 0) {
      throw new RangeError(`a quantity is a whole number, not ${quantity}`);
    }
    sum += checkCents(item.cents) * quantity;
  }
  return sum;
}

/** 1234 -> "12.34 EUR" */
export function formatPrice(cents, currency = 'EUR') {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} ${currency}`;
}
