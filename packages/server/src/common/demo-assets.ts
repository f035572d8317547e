import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';

const at = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

// The workspace layout, seen from packages/server/{src,dist}/common.
const DEMO_DIR = at('../../../../examples/demo/');
const SDK_BUNDLE = at('../../../sdk/dist/minimeet-sdk.browser.js');
const ELEMENTS_BUNDLE = at('../../../web-components/dist/minimeet-elements.js');

// The demo runs no inline script and loads nothing from elsewhere.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "media-src 'self' blob:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'self'",
].join('; ');

/**
 * Serves the demo page at `/` with the SDK and element bundles beside it, when the workspace
 * has them (a server installed on its own has no demo).
 */
export function serveDemo(app: NestExpressApplication, logger: Logger): void {
  if (!existsSync(DEMO_DIR)) {
    logger.info('no demo page found; serving the API only');
    return;
  }
  const setHeaders = (res: Response) => res.setHeader('Content-Security-Policy', CSP);
  for (const [route, file] of [
    ['/sdk/minimeet-sdk.js', SDK_BUNDLE],
    ['/elements/minimeet-elements.js', ELEMENTS_BUNDLE],
  ] as const) {
    if (!existsSync(file))
      logger.warn({ file }, 'bundle for the demo page is missing; run the build');
    app.use(route, (_req: Request, res: Response, next: NextFunction) => {
      if (!existsSync(file)) return next();
      res.type('text/javascript');
      res.sendFile(file);
    });
    app.use(`${route}.map`, (_req: Request, res: Response, next: NextFunction) => {
      if (!existsSync(`${file}.map`)) return next();
      res.sendFile(`${file}.map`);
    });
  }
  app.use(express.static(DEMO_DIR, { index: 'index.html', setHeaders }));
}
