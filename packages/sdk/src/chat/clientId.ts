/** 64 symbols in ascending byte order, so that ids compare as the numbers they encode. */
const ALPHABET = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';

/**
 * A fresh id for an outgoing chat message, so that the server can recognise a retry of the same
 * message: the time in milliseconds (8 symbols) then 96 random bits (16 symbols). Ids made one
 * after another sort in time order, so the server's index of them grows at one end.
 */
export function createClientId(now = Date.now()): string {
  let id = '';
  for (let shift = 42; shift >= 0; shift -= 6) id += ALPHABET[Math.floor(now / 2 ** shift) % 64];
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  for (const byte of bytes) id += ALPHABET[byte & 63];
  return id;
}
