// The tests drive the real server; only tests may reach across the package boundary.
import { startTestServer, type RunningServer } from '@minimeet/server/testing';

/** Starts the real minimeet server in this process, serving the demo and bundles; close it in `afterAll`. */
export function startMinimeetServer(env: Record<string, string> = {}): Promise<RunningServer> {
  return startTestServer({ SERVE_DEMO: 'true', ...env });
}

export type { RunningServer };
