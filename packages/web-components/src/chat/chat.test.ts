import type { AuthSession } from '@minimeet/sdk';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../test/chromium.js';
import { startMinimeetServer, type RunningServer } from '../test/minimeet-server.js';
import { seriousAxeViolations } from '../test/axe.js';
import {
  connectInPage,
  createSharedRoom,
  fixtureRoutes,
  register,
  type PartsWindow,
} from '../test/parts.js';
import { startStaticServer, type StaticServer } from '../test/static-server.js';
import type { MinimeetChat } from './chat.component.js';

// Two people chat through <minimeet-chat> on two pages, against the real server: history paged
// back by scrolling, sending, typing, editing, reactions, deleting, search with highlights and the
// jump to an old message, and axe in each state. Needs `pnpm build` first.

const TIMEOUT = 10_000;
// axe over a conversation of a hundred messages takes seconds on a busy machine.
const AXE_TEST_TIMEOUT = 90_000;
const HISTORY = 120;
const NEEDLE_AT = 3;
const SCREENS = process.env.MINIMEET_SCREENS_DIR;

let server: RunningServer;
let assets: StaticServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let ada: Page;
let grace: Page;
let adaSession: AuthSession;
let graceSession: AuthSession;
let roomId: string;
const problems: string[] = [];

async function openPage(session: AuthSession): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.goto(assets.url);
  await connectInPage(page, server.url, session.accessToken);
  return page;
}

/** Puts a <minimeet-chat> for the room on the page, bound to the page's client. */
async function mountChat(page: Page): Promise<void> {
  await page.evaluate((roomId) => {
    const w = window as unknown as PartsWindow;
    const chat = document.createElement('minimeet-chat');
    chat.client = w.client;
    chat.roomId = roomId;
    for (const type of ['minimeet-chat-message', 'minimeet-chat-error'] as const) {
      chat.addEventListener(type, (event) => {
        const detail = event.detail as { message?: { text: string } };
        w.events.push({
          type,
          detail: detail.message
            ? detail.message.text
            : String((event.detail as { error: Error }).error),
        });
      });
    }
    document.getElementById('stage')!.append(chat);
  }, roomId);
}

const messageRows = (page: Page) => page.locator('minimeet-chat li[data-message-id]');
const messageByText = (page: Page, text: string) =>
  page.locator('minimeet-chat li[data-message-id]', {
    has: page.locator('.t', { hasText: new RegExp(`^${text}$`) }),
  });

async function expectNoAxeProblems(page: Page, state: string): Promise<void> {
  const found = await seriousAxeViolations(page, 'minimeet-chat');
  expect(found, `axe, ${state}`).toEqual([]);
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENS) await page.screenshot({ path: `${SCREENS}/${name}.png` });
}

beforeAll(async () => {
  assets = await startStaticServer(fixtureRoutes());
  server = await startMinimeetServer({
    RATE_LIMIT_CHAT: '100000/10',
    RATE_LIMIT_SOCKET_REQUESTS: '100000/1',
  });
  browser = await launchChromium();
  adaSession = await register(server, 'Ada Lovelace');
  graceSession = await register(server, 'Grace Hopper');
  roomId = await createSharedRoom(server, adaSession, [graceSession]);
  ada = await openPage(adaSession);
  // Ada has written a long history before Grace arrives; one old message holds a needle.
  await ada.evaluate(
    async ({ roomId, total, needleAt }) => {
      const w = window as unknown as PartsWindow;
      const chat = w.client.chat(roomId);
      await chat.synced();
      for (let i = 1; i <= total; i += 1) {
        await chat.send(
          i === needleAt ? 'Where is the golden needle of the haystack?' : `History message ${i}`,
        );
      }
    },
    { roomId, total: HISTORY, needleAt: NEEDLE_AT },
  );
  await mountChat(ada);
  grace = await openPage(graceSession);
  await mountChat(grace);
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.close();
  await assets?.close();
});

describe('<minimeet-chat>', () => {
  it(
    'shows the recent history, scrolled to the newest message, and loads older pages upwards',
    async () => {
      await messageByText(grace, `History message ${HISTORY}`).waitFor({ timeout: TIMEOUT });
      expect(await messageRows(grace).count()).toBe(50);
      // Scrolled to the end: the newest message is in view.
      await expect
        .poll(() => messageByText(grace, `History message ${HISTORY}`).isVisible())
        .toBe(true);
      await expectNoAxeProblems(grace, 'history');
      await screenshot(grace, 'chat-history');

      // Scrolling to the top pages back, and what was on screen stays where it was.
      const anchor = messageByText(grace, `History message ${HISTORY - 49}`);
      await grace.evaluate(() => {
        const scroller = document
          .querySelector('minimeet-chat')!
          .shadowRoot!.querySelector<HTMLElement>('.scroller')!;
        scroller.scrollTop = 0;
      });
      await expect.poll(() => messageRows(grace).count(), { timeout: TIMEOUT }).toBeGreaterThan(50);
      const box = await anchor.boundingBox();
      expect(box).not.toBeNull();
      // The anchor was at the top; after the page of older messages it is still near the top,
      // not pushed a page down (and not jumped to the end).
      expect(box!.y).toBeGreaterThan(-200);
      expect(box!.y).toBeLessThan(400);
      expect(
        await grace.evaluate(
          () =>
            document.querySelector('minimeet-chat')!.shadowRoot!.querySelector('.scroller')!
              .scrollTop,
        ),
      ).toBeGreaterThan(0);
    },
    AXE_TEST_TIMEOUT,
  );

  it('sends with Enter, keeps Shift+Enter for a new line, and the other side receives it', async () => {
    const input = ada.locator('minimeet-chat textarea.input');
    await input.click();
    await input.pressSequentially('First line');
    await input.press('Shift+Enter');
    await input.pressSequentially('second line');
    await input.press('Enter');
    await expect.poll(() => input.inputValue()).toBe('');

    const received = grace.locator('minimeet-chat li[data-message-id]').last();
    await expect
      .poll(() => received.locator('.t').textContent(), { timeout: TIMEOUT })
      .toBe('First line\nsecond line');
    await expect.poll(() => received.locator('[part="sender"]').textContent()).toBe('Ada Lovelace');

    const events = (page: Page) => page.evaluate(() => (window as unknown as PartsWindow).events);
    // Each side reports the message once: Ada's as sent, Grace's as received.
    for (const page of [ada, grace]) {
      await expect
        .poll(() => events(page))
        .toContainEqual({ type: 'minimeet-chat-message', detail: 'First line\nsecond line' });
      expect(
        (await events(page)).filter((e) => e.detail === 'First line\nsecond line'),
      ).toHaveLength(1);
    }
    // Announced once to screen readers on Grace's side.
    expect(await grace.locator('minimeet-chat [part="announcer"]').textContent()).toContain(
      'Ada Lovelace: First line',
    );
    // Ada's own message is marked as hers.
    expect(
      await ada.locator('minimeet-chat li[data-message-id]').last().getAttribute('part'),
    ).toContain('own');
  });

  it('shows who is typing', async () => {
    const input = grace.locator('minimeet-chat textarea.input');
    await input.click();
    await input.pressSequentially('Typing away');
    await expect
      .poll(() => ada.locator('minimeet-chat [part="typing"]').textContent(), { timeout: TIMEOUT })
      .toContain('Grace Hopper is typing…');
    await input.press('Enter');
    await expect
      .poll(() => ada.locator('minimeet-chat [part="typing"]').textContent(), { timeout: TIMEOUT })
      .not.toContain('typing');
    await messageByText(ada, 'Typing away').waitFor({ timeout: TIMEOUT });
  });

  it(
    'edits one’s own message, and the other side sees the new text marked edited',
    async () => {
      await sendFrom(ada, 'Lunch at noon');
      await messageByText(ada, 'Lunch at noon').waitFor({ timeout: TIMEOUT });
      // By id: while it is edited, its text is in the editor.
      const id = await messageByText(ada, 'Lunch at noon').getAttribute('data-message-id');
      const mine = ada.locator(`minimeet-chat li[data-message-id="${id}"]`);
      // Grace may not edit Ada's message: no edit button on her side.
      const theirs = messageByText(grace, 'Lunch at noon');
      await theirs.waitFor({ timeout: TIMEOUT });
      expect(await theirs.getByRole('button', { name: 'Edit' }).count()).toBe(0);

      await mine.hover();
      await mine.getByRole('button', { name: 'Edit' }).click();
      const editor = mine.locator('textarea');
      await expect
        .poll(() => editor.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement))
        .toBe(true);
      await expectNoAxeProblems(ada, 'editing');
      await editor.fill('Lunch at one');
      await editor.press('Enter');

      const edited = messageByText(grace, 'Lunch at one');
      await edited.waitFor({ timeout: TIMEOUT });
      expect(await edited.locator('[part="edited"]').textContent()).toContain('edited');
      // The focus went back to the message.
      await expect
        .poll(() =>
          ada.evaluate(
            () =>
              (document.querySelector('minimeet-chat')!.shadowRoot!.activeElement as HTMLElement)
                ?.dataset.messageId ?? null,
          ),
        )
        .not.toBeNull();
    },
    AXE_TEST_TIMEOUT,
  );

  it(
    'adds and takes back reactions, with counts and who reacted',
    async () => {
      const onGrace = messageByText(grace, 'Lunch at one');
      await onGrace.hover();
      await onGrace.getByRole('button', { name: 'Add reaction' }).click();
      await onGrace.getByRole('button', { name: 'React with 👍' }).click();

      const chip = messageByText(ada, 'Lunch at one').locator('[part="reaction"]');
      await chip.waitFor({ timeout: TIMEOUT });
      expect(await chip.getAttribute('aria-label')).toBe('👍 1, from Grace Hopper');
      expect(await chip.getAttribute('aria-pressed')).toBe('false');
      expect((await chip.textContent())?.replace(/\s+/g, '')).toBe('👍1');

      // Ada adds hers by pressing the chip.
      await chip.click();
      await expect
        .poll(
          () => messageByText(grace, 'Lunch at one').locator('[part="reaction"]').textContent(),
          {
            timeout: TIMEOUT,
          },
        )
        .toMatch(/👍\s*2/);
      expect(await chip.getAttribute('aria-label')).toBe('👍 2, from Grace Hopper and you');
      expect(await chip.getAttribute('aria-pressed')).toBe('true');
      await expectNoAxeProblems(ada, 'reactions');

      // Grace takes hers back.
      const graceChip = messageByText(grace, 'Lunch at one').locator('[part="reaction"]');
      await graceChip.click();
      await expect
        .poll(() => chip.getAttribute('aria-label'), { timeout: TIMEOUT })
        .toBe('👍 1, from you');
    },
    AXE_TEST_TIMEOUT,
  );

  it('deletes one’s own message: it keeps its place, marked deleted, on both sides', async () => {
    await sendFrom(ada, 'Oops, wrong room');
    const mine = messageByText(ada, 'Oops, wrong room');
    await mine.waitFor({ timeout: TIMEOUT });
    const id = await mine.getAttribute('data-message-id');
    await messageByText(grace, 'Oops, wrong room').waitFor({ timeout: TIMEOUT });
    await mine.hover();
    await mine.getByRole('button', { name: 'Delete', exact: true }).click();

    const gone = grace.locator(`minimeet-chat li[data-message-id="${id}"]`);
    await expect
      .poll(() => gone.locator('.t').textContent(), { timeout: TIMEOUT })
      .toBe('This message was deleted.');
    expect(await gone.getAttribute('part')).toContain('deleted');
  });

  it('renders what people write as text, never as markup', async () => {
    const text = '<img src=x onerror="window.pwned=1"><b>bold</b>';
    await sendFrom(ada, text);
    await messageByText(grace, escapeRegExp(text)).waitFor({ timeout: TIMEOUT });
    expect(await grace.locator('minimeet-chat li img, minimeet-chat li b').count()).toBe(0);
    expect(await grace.evaluate(() => 'pwned' in window)).toBe(false);
  });

  it(
    'searches with the server’s highlights and jumps to an old message, loading it first',
    async () => {
      // Grace has not loaded the oldest messages: the needle is not in her list yet.
      expect(
        await messageByText(grace, 'Where is the golden needle of the haystack\\?').count(),
      ).toBe(0);
      await grace.locator('minimeet-chat [part="search-toggle"]').click();
      const box = grace.locator('minimeet-chat [part="search-input"]');
      await expect
        .poll(() => box.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement))
        .toBe(true);
      await box.fill('needle');
      await box.press('Enter');

      const hit = grace.locator('minimeet-chat [part="search-hit"]');
      await hit.first().waitFor({ timeout: TIMEOUT });
      expect(await hit.count()).toBe(1);
      expect(await hit.locator('mark').allTextContents()).toEqual(['needle']);
      expect(await grace.locator('minimeet-chat [part="search-status"]').textContent()).toContain(
        '1 result',
      );
      await expectNoAxeProblems(grace, 'search results');
      await screenshot(grace, 'chat-search');

      await hit.click();
      const found = messageByText(grace, 'Where is the golden needle of the haystack\\?');
      await found.waitFor({ timeout: TIMEOUT });
      await expect.poll(() => found.isVisible(), { timeout: TIMEOUT }).toBe(true);
      await expect
        .poll(() =>
          grace.evaluate(
            () =>
              (document.querySelector('minimeet-chat')!.shadowRoot!.activeElement as HTMLElement)
                ?.dataset.seq,
          ),
        )
        .toBe(String(NEEDLE_AT));
      expect(await found.getAttribute('part')).toContain('found');
      // Every message in between was loaded, in order, with no hole.
      const seqs = await messageRows(grace).evaluateAll((rows) =>
        rows.map((row) => Number((row as HTMLElement).dataset.seq)),
      );
      expect(seqs[0]).toBe(1);
      expect(seqs.every((seq, i) => i === 0 || seq === seqs[i - 1] + 1)).toBe(true);
    },
    AXE_TEST_TIMEOUT,
  );

  it('marks new messages while scrolled up, and the button brings the reader to them', async () => {
    await grace.evaluate(() => {
      const scroller = document
        .querySelector('minimeet-chat')!
        .shadowRoot!.querySelector<HTMLElement>('.scroller')!;
      scroller.scrollTop = 0;
    });
    await sendFrom(ada, 'Are you there?');
    const button = grace.locator('minimeet-chat [part="new-messages"]');
    await button.waitFor({ timeout: TIMEOUT });
    expect(await button.textContent()).toContain('1 new message');
    expect(await grace.locator('minimeet-chat [part="unread-divider"]').count()).toBe(1);
    await button.click();
    await expect.poll(() => button.count()).toBe(0);
    await expect.poll(() => messageByText(grace, 'Are you there\\?').isVisible()).toBe(true);
  });

  it('moves between messages with the arrow keys', async () => {
    const last = messageRows(grace).last();
    await last.focus();
    await grace.keyboard.press('ArrowUp');
    const focusedSeq = () =>
      grace.evaluate(
        () =>
          (document.querySelector('minimeet-chat')!.shadowRoot!.activeElement as HTMLElement)
            ?.dataset.seq,
      );
    const lastSeq = Number(await last.getAttribute('data-seq'));
    expect(Number(await focusedSeq())).toBe(lastSeq - 1);
    await grace.keyboard.press('End');
    expect(Number(await focusedSeq())).toBe(lastSeq);
    // Only one message is in the Tab order.
    expect(await grace.locator('minimeet-chat li[tabindex="0"]').count()).toBe(1);
  });

  it('lets a moderator delete other people’s messages, and no one else', async () => {
    // Standalone, a signed-in user's role in the room is the app's to tell.
    await ada.evaluate(() => {
      document.querySelector('minimeet-chat')!.canModerate = true;
    });
    await sendFrom(grace, 'Please remove this one');
    const onAda = messageByText(ada, 'Please remove this one');
    await onAda.waitFor({ timeout: TIMEOUT });
    const onGrace = messageByText(grace, 'Please remove this one');
    // Grace may delete her own; on Ada's messages she has no delete button.
    expect(
      await messageByText(grace, 'Lunch at one').getByRole('button', { name: 'Delete' }).count(),
    ).toBe(0);
    await onAda.hover();
    await onAda.getByRole('button', { name: 'Delete (moderator)' }).click();
    await expect.poll(() => onGrace.count(), { timeout: TIMEOUT }).toBe(0);
    expect(
      await grace.locator('minimeet-chat .t', { hasText: 'This message was deleted.' }).count(),
    ).toBeGreaterThanOrEqual(2);
  });

  it(
    'keeps a refused message with its reason, to try again or discard',
    async () => {
      const input = ada.locator('minimeet-chat textarea.input');
      await input.fill('x'.repeat(4001));
      await input.press('Enter');
      const failed = ada.locator('minimeet-chat li[part~="failed"]');
      await failed.waitFor({ timeout: TIMEOUT });
      expect(await failed.locator('.failed-status').innerText()).toContain(
        'Not sent: That message is too long',
      );
      await expectNoAxeProblems(ada, 'a failed message');
      expect(
        await ada.evaluate(() =>
          (window as unknown as PartsWindow).events.some((e) => e.type === 'minimeet-chat-error'),
        ),
      ).toBe(true);
      await failed.getByRole('button', { name: 'Try again' }).click();
      await expect.poll(() => failed.count(), { timeout: TIMEOUT }).toBe(1);
      await failed.getByRole('button', { name: 'Discard' }).click();
      await expect.poll(() => failed.count()).toBe(0);
    },
    AXE_TEST_TIMEOUT,
  );

  it('works inside a room context, which reports the messages instead', async () => {
    await grace.evaluate((roomId) => {
      const w = window as unknown as PartsWindow & {
        elements: { provideRoomContext(element: HTMLElement, parts: object): unknown };
      };
      const { provideRoomContext } = w.elements;
      const host = document.createElement('div');
      const chat = document.createElement('minimeet-chat');
      chat.id = 'in-context';
      chat.addEventListener('minimeet-chat-message', () =>
        w.events.push({ type: 'in-context', detail: null }),
      );
      // The provider first: a part asks for the context when it enters the document.
      provideRoomContext(host, { client: w.client, roomId, chat: w.client.chat(roomId) });
      host.append(chat);
      document.getElementById('stage')!.append(host);
    }, roomId);
    const inContext = grace.locator('#in-context li[data-message-id]');
    await expect.poll(() => inContext.count(), { timeout: TIMEOUT }).toBeGreaterThan(0);
    await sendFrom(ada, 'Seen in the room context');
    await grace
      .locator('#in-context .t', { hasText: 'Seen in the room context' })
      .waitFor({ timeout: TIMEOUT });
    // The standalone chat on the same page reports it; the one in the context leaves it to the room.
    expect(
      await grace.evaluate(() =>
        (window as unknown as PartsWindow).events.filter((e) => e.type === 'in-context'),
      ),
    ).toEqual([]);
  });

  it('has no page errors', () => {
    expect(problems).toEqual([]);
  });
});

async function sendFrom(page: Page, text: string): Promise<void> {
  await page.evaluate(async (text) => {
    const chat = document.querySelector<MinimeetChat>('minimeet-chat')!;
    await chat.conversationChannel!.send(text);
  }, text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
