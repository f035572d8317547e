/** The SDK's version; a test keeps it equal to the one in package.json. */
export const SDK_VERSION = '0.1.0';

/** How the SDK names itself in the handshake, for the server's logs and analytics. */
export const SDK_NAME = `minimeet-sdk/${SDK_VERSION}`;
