import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AxeResults, RunOptions } from 'axe-core';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
let source: Promise<string> | undefined;

/** One accessibility problem axe found, reduced to what a failing test should print. */
export interface AxeProblem {
  /** The rule, such as `color-contrast`. */
  readonly id: string;
  /** `minor`, `moderate`, `serious` or `critical`. */
  readonly impact: string | null;
  /** What the rule checks. */
  readonly help: string;
  /** Selectors of the offending nodes (shadow paths as arrays), each with what axe found. */
  readonly targets: string[];
}

/**
 * Runs axe-core in `page` on the elements matching `selector` (their shadow DOM included) and
 * returns the serious and critical violations; an empty list passes.
 */
export async function seriousAxeViolations(page: Page, selector: string): Promise<AxeProblem[]> {
  source ??= readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  const hasAxe = await page.evaluate(() => 'axe' in window);
  if (!hasAxe) await page.addScriptTag({ content: await source });
  // Contrast is judged on the settled page: a toast fading in is, for a moment, faint on purpose.
  await page.evaluate(async () => {
    // A state just changed (a button pressed) starts its transition at the next frames: let it
    // start, so that it is among the animations waited for.
    for (let i = 0; i < 2; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
    const finite = document
      .getAnimations()
      .filter((a) => a.effect?.getComputedTiming().iterations !== Infinity);
    const settled = Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
    await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 2000))]);
  });
  return page.evaluate(async (selector) => {
    // And transitions that start later still (a state rendered a frame after the check began)
    // are skipped to their end: contrast is judged on the colors the page settles on.
    const settle = new CSSStyleSheet();
    settle.replaceSync(
      '*, *::before, *::after { transition: none !important; animation-delay: 0s !important; animation-duration: 0s !important; }',
    );
    const roots: (Document | ShadowRoot)[] = [document];
    for (let i = 0; i < roots.length; i++) {
      for (const el of roots[i].querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
    }
    for (const root of roots) root.adoptedStyleSheets = [...root.adoptedStyleSheets, settle];
    const axe = (
      window as unknown as {
        axe: { run(context: unknown, options: RunOptions): Promise<AxeResults> };
      }
    ).axe;
    const results = await axe
      .run(
        { include: [[selector]] },
        {
          resultTypes: ['violations'],
          runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
        },
      )
      .finally(() => {
        for (const root of roots) {
          root.adoptedStyleSheets = root.adoptedStyleSheets.filter((sheet) => sheet !== settle);
        }
      });
    return results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact ?? null,
        help: v.help,
        targets: v.nodes.map((n) => `${JSON.stringify(n.target)}: ${n.failureSummary ?? ''}`),
      }));
  }, selector);
}
