// Presence on the demo page: a coloured dot per person (online, in a call, away, busy, offline),
// the "People" list of everyone this user shares a room with, and the user's own status control.
// Everything comes from `client.presence`; names come from the rooms' member lists.
import { PresenceEvent } from '/sdk/minimeet-sdk.js';
import { find, initialOf, make, shortTime, showMessage } from './dom.js';

/** @typedef {import('/sdk/minimeet-sdk.js').MinimeetClient} MinimeetClient */
/** @typedef {import('/sdk/minimeet-sdk.js').UserPresence} UserPresence */
/** @typedef {import('/sdk/minimeet-sdk.js').PresenceState} PresenceState */
/** @typedef {import('./api.js').RoomSummary} RoomSummary */
/** @typedef {import('./api.js').RoomsApi} RoomsApi */

/** What each state is called on screen. */
const LABELS = /** @type {const} */ ({
  online: 'Online',
  in_call: 'In a call',
  away: 'Away',
  busy: 'Busy',
  offline: 'Offline',
});

/** The order of the People list: the most reachable first. */
const ORDER = ['online', 'in_call', 'busy', 'away', 'offline'];

// Unknown user ids in presence events trigger a reload of the names, at most this often.
const NAMES_RELOAD_MS = 2000;

/**
 * A presence in words, for a dot's title and for screen readers.
 *
 * @param {UserPresence | undefined} presence
 */
export function describePresence(presence) {
  if (!presence) return 'Presence unknown';
  const label = LABELS[presence.state] ?? presence.state;
  if (presence.state !== 'offline') return label;
  return presence.lastSeenAt
    ? `${label}, last seen ${shortTime(presence.lastSeenAt)}`
    : `${label}, not seen yet`;
}

/** A new presence dot, hidden until it has a presence to show. */
export function presenceDot() {
  const dot = make('span', 'presence-dot');
  dot.setAttribute('role', 'img');
  dot.hidden = true;
  return dot;
}

/**
 * Shows a presence on a dot: its colour from `data-state`, its words in the title and label.
 *
 * @param {HTMLElement} dot
 * @param {UserPresence | undefined} presence nothing hides the dot
 */
export function renderDot(dot, presence) {
  if (!presence) {
    dot.hidden = true;
    delete dot.dataset.state;
    dot.removeAttribute('title');
    dot.removeAttribute('aria-label');
    return;
  }
  const text = describePresence(presence);
  dot.hidden = false;
  dot.dataset.state = presence.state;
  dot.title = text;
  dot.setAttribute('aria-label', text);
}

/**
 * One person this user shares rooms with.
 *
 * @typedef {object} Person
 * @property {string} userId
 * @property {string} displayName
 * @property {string[]} rooms names of the rooms shared
 */

/** The People list, the user's own status control, and the dots' source of truth. */
export class PeopleBoard {
  #client;
  #api;
  /** @type {string | undefined} */
  #selfId;
  /** @type {Map<string, Person>} */
  #people = new Map();
  #reloading = false;
  /** Someone unknown showed up while the names were loading: load them once more after. */
  #reloadAgain = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #reloadTimer;
  /** Bumped on reset: answers for an earlier session change nothing. */
  #run = 0;
  #ui = {
    list: find('#people-list', HTMLUListElement),
    empty: find('#people-empty', HTMLParagraphElement),
    error: find('#people-error', HTMLParagraphElement),
    form: find('#status-form', HTMLFormElement),
    ownDot: find('#own-presence', HTMLSpanElement),
    availability: find('#status-availability', HTMLSelectElement),
    text: find('#status-text', HTMLInputElement),
    statusError: find('#status-error', HTMLParagraphElement),
  };

  /**
   * @param {MinimeetClient} client
   * @param {RoomsApi} api
   */
  constructor(client, api) {
    this.#client = client;
    this.#api = api;
    const ui = this.#ui;
    client.presence.on(PresenceEvent.PresenceChanged, (presence) => this.#changed(presence));
    ui.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#setStatus();
    });
    ui.availability.addEventListener('change', () => void this.#setStatus());
    ui.ownDot.setAttribute('role', 'img');
  }

  /** The client is connected as `selfId`: follow everyone one shares a room with, and oneself. */
  async start(/** @type {string} */ selfId) {
    const run = ++this.#run;
    this.#selfId = selfId;
    this.#ui.form.hidden = false;
    const presence = this.#client.presence;
    try {
      await Promise.all([presence.subscribeSharedRooms(), presence.subscribe([selfId])]);
      if (run !== this.#run) return;
      showMessage(this.#ui.error);
    } catch (error) {
      if (run === this.#run) showMessage(this.#ui.error, error);
    }
    this.#renderOwn(presence.get(selfId), true);
    this.#render();
  }

  /**
   * Learns who shares which room from the rooms this user belongs to.
   *
   * @param {RoomSummary[]} rooms
   */
  async setRooms(rooms) {
    const run = this.#run;
    const mine = rooms.filter((room) => room.myRole !== null);
    const lists = await Promise.all(
      mine.map((room) =>
        this.#api
          .listMembers(room.id)
          .then((members) => ({ room, members }))
          .catch(() => ({ room, members: [] })),
      ),
    );
    if (run !== this.#run) return;
    /** @type {Map<string, Person>} */
    const people = new Map();
    for (const { room, members } of lists) {
      for (const member of members) {
        if (member.userId === this.#selfId) continue;
        let person = people.get(member.userId);
        if (!person) {
          person = { userId: member.userId, displayName: member.displayName, rooms: [] };
          people.set(member.userId, person);
        }
        person.rooms.push(room.name);
      }
    }
    this.#people = people;
    this.#render();
  }

  /** Forgets everything; for signing out. */
  reset() {
    this.#run += 1;
    this.#selfId = undefined;
    this.#people.clear();
    clearTimeout(this.#reloadTimer);
    this.#reloadTimer = undefined;
    this.#reloading = false;
    this.#reloadAgain = false;
    const ui = this.#ui;
    ui.form.hidden = true;
    ui.form.reset();
    renderDot(ui.ownDot, undefined);
    showMessage(ui.error);
    showMessage(ui.statusError);
    this.#render();
  }

  /** @param {UserPresence} presence */
  #changed(presence) {
    if (presence.userId === this.#selfId) {
      this.#renderOwn(presence, false);
      return;
    }
    // Someone new shares a room now (they joined one of ours): learn their name.
    if (!this.#people.has(presence.userId)) this.#reloadNames();
    this.#render();
  }

  #reloadNames() {
    if (this.#selfId === undefined) return;
    if (this.#reloading) {
      this.#reloadAgain = true;
      return;
    }
    this.#reloading = true;
    this.#reloadAgain = false;
    const run = this.#run;
    this.#reloadTimer = setTimeout(() => {
      void this.#api
        .listRooms()
        .then((rooms) => (run === this.#run ? this.setRooms(rooms) : undefined))
        .catch(() => undefined)
        .finally(() => {
          if (run !== this.#run) return;
          this.#reloading = false;
          if (this.#reloadAgain) this.#reloadNames();
        });
    }, NAMES_RELOAD_MS);
  }

  async #setStatus() {
    const ui = this.#ui;
    showMessage(ui.statusError);
    ui.form.setAttribute('aria-busy', 'true');
    try {
      const text = ui.text.value.trim();
      const presence = await this.#client.presence.setStatus({
        busy: ui.availability.value === 'busy',
        text: text.length > 0 ? text : null,
      });
      this.#renderOwn(presence, false);
    } catch (error) {
      showMessage(ui.statusError, error);
    } finally {
      ui.form.removeAttribute('aria-busy');
    }
  }

  /**
   * @param {UserPresence | undefined} presence
   * @param {boolean} fillForm also put the status into the form (once, when it becomes known)
   */
  #renderOwn(presence, fillForm) {
    const ui = this.#ui;
    renderDot(ui.ownDot, presence);
    if (presence) {
      const text = `You: ${describePresence(presence)}`;
      ui.ownDot.title = text;
      ui.ownDot.setAttribute('aria-label', text);
    }
    if (!presence || !fillForm) return;
    ui.availability.value = presence.state === 'busy' ? 'busy' : 'available';
    ui.text.value = presence.statusText ?? '';
  }

  #render() {
    const presence = this.#client.presence;
    const people = [...this.#people.values()]
      .map((person) => ({ person, presence: presence.get(person.userId) }))
      .sort((a, b) => {
        const rank = (/** @type {UserPresence | undefined} */ p) =>
          p ? ORDER.indexOf(p.state) : ORDER.length;
        return (
          rank(a.presence) - rank(b.presence) ||
          a.person.displayName.localeCompare(b.person.displayName)
        );
      });
    this.#ui.list.replaceChildren(
      ...people.map(({ person, presence }) => this.#item(person, presence)),
    );
    this.#ui.empty.hidden = people.length > 0;
  }

  /**
   * @param {Person} person
   * @param {UserPresence | undefined} presence
   */
  #item(person, presence) {
    const item = make('li', 'person');
    item.dataset.userId = person.userId;
    item.dataset.state = presence?.state ?? 'unknown';
    const avatar = make('span', 'person-avatar', initialOf(person.displayName));
    avatar.setAttribute('aria-hidden', 'true');
    const dot = presenceDot();
    renderDot(dot, presence);
    // An unknown presence still gets a grey dot, so that every row looks alike.
    if (!presence) {
      dot.hidden = false;
      dot.dataset.state = 'unknown';
      dot.title = describePresence(undefined);
      dot.setAttribute('aria-label', dot.title);
    }
    const badge = make('span', 'person-badge');
    badge.append(avatar, dot);
    const text = make('span', 'person-text');
    const name = make('span', 'person-name', person.displayName);
    const state = make('span', 'person-state', describePresence(presence));
    text.append(name, state);
    if (presence?.statusText) text.append(make('span', 'person-status', presence.statusText));
    const rooms = make('span', 'person-rooms', `Shares ${person.rooms.join(', ')}`);
    text.append(rooms);
    item.append(badge, text);
    return item;
  }
}
