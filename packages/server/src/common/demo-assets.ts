import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';

const at = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

// The workspace layout, seen from packages/server/{src,dist}/common. The demo is served as built
// (examples/demo/dist: its page, stylesheet and one bundled module).
const DEMO_DIR = at('../../../../examples/demo/dist/');
const DEMO_PAGE = `${DEMO_DIR}index.html`;
const SDK_BUNDLE = at('../../../sdk/dist/minimeet-sdk.browser.js');
// Loaded by the bundle itself, from beside it, only when a call runs on the SFU.
const SDK_SFU_MODULE = at('../../../sdk/dist/minimeet-sdk-sfu.browser.js');
const ELEMENTS_DIR = at('../../../web-components/dist/browser/');
const DASHBOARD_DIR = at('../../../dashboard/dist/');

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

// A host app's page on another origin loads the element modules from here; a module script is
// fetched with CORS, so the answer must allow any origin (the files are public and carry no
// credentials).
function setModuleHeaders(res: Response, file: string): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  // Chunks are named after their content; the entries keep their names across versions.
  res.setHeader(
    'Cache-Control',
    /[\\/]chunks[\\/]/.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache',
  );
}

/**
 * Serves the browser modules of the elements under `/elements/` (`minimeet-room.js`,
 * `minimeet-elements.js`, `minimeet-sdk.js`, … and their shared `chunks/`), the SDK's bundle at
 * `/sdk/minimeet-sdk.js` (with its SFU module beside it, which it loads only for SFU calls), and the built demo at `/` (its page also at `/r/<roomId>`, the call,
 * so that a reload or a shared link lands there), when the workspace has them (a server installed
 * on its own serves the API only).
 */
export function serveDemo(app: NestExpressApplication, logger: Logger): void {
  if (!existsSync(ELEMENTS_DIR)) {
    logger.warn({ dir: ELEMENTS_DIR }, 'element modules are missing; run the build');
  }
  app.use(
    '/elements',
    express.static(ELEMENTS_DIR, { index: false, fallthrough: true, setHeaders: setModuleHeaders }),
  );
  if (!existsSync(SDK_BUNDLE)) {
    logger.warn({ file: SDK_BUNDLE }, 'SDK bundle for the demo page is missing; run the build');
  }
  for (const [route, file] of [
    ['/sdk/minimeet-sdk.js', SDK_BUNDLE],
    ['/sdk/minimeet-sdk.js.map', `${SDK_BUNDLE}.map`],
    ['/sdk/minimeet-sdk-sfu.browser.js', SDK_SFU_MODULE],
    ['/sdk/minimeet-sdk-sfu.browser.js.map', `${SDK_SFU_MODULE}.map`],
  ] as const) {
    app.use(route, (_req: Request, res: Response, next: NextFunction) => {
      if (!existsSync(file)) return next();
      setModuleHeaders(res, file);
      res.type(file.endsWith('.map') ? 'application/json' : 'text/javascript');
      res.sendFile(file);
    });
  }
  // The analytics dashboard (packages/dashboard): a static page that reads the REST API with the
  // signed-in user's token, so the API decides what it shows.
  if (existsSync(DASHBOARD_DIR)) {
    app.use(
      '/dashboard',
      express.static(DASHBOARD_DIR, {
        index: 'index.html',
        setHeaders: (res: Response) => res.setHeader('Content-Security-Policy', CSP),
      }),
    );
  } else {
    logger.info({ dir: DASHBOARD_DIR }, 'the dashboard is not built; /dashboard is not served');
  }
  if (!existsSync(DEMO_PAGE)) {
    logger.info({ dir: DEMO_DIR }, 'no built demo found; serving the API and the elements only');
    return;
  }
  const setHeaders = (res: Response) => res.setHeader('Content-Security-Policy', CSP);
  app.use(express.static(DEMO_DIR, { index: 'index.html', setHeaders }));
  // The demo routes in the browser: a room's address is the same page.
  const roomPage = /^\/r\/[^/]+\/?$/;
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !roomPage.test(req.path)) return next();
    setHeaders(res);
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(DEMO_PAGE);
  });
}
