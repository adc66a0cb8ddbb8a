export function formatPrice(cents) {
  // eslint-disable-next-line
  return `${(cents / 100).toFixed(2)} EUR`;
}
