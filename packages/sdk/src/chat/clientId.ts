/**
 * A fresh id for an outgoing chat message: 128 random bits in base64url (22 characters), so that
 * the server can recognise a retry of the same message.
 */
export function createClientId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
