/**
 * The wire protocol version. The SDK sends it in the handshake; the server refuses a client whose
 * major version it does not speak with `protocol_mismatch`.
 */
export const PROTOCOL_VERSION = 1;
