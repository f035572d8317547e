// The lobby: start a room, or pick one from the list (with its password when it has one).
import { ErrorCode, MinimeetError } from '/sdk/minimeet-sdk.js';
import { clearErrors, field, find, showMessage, submit } from './dom.js';

/** @typedef {import('./api.js').RoomSummary} RoomSummary */
/** @typedef {import('./api.js').RoomsApi} RoomsApi */
/** @typedef {(room: RoomSummary, options: { password?: string }) => Promise<void>} JoinHandler */
/** @typedef {(rooms: RoomSummary[]) => void} RoomsListener */

/** @param {RoomSummary} room */
function describe(room) {
  const parts = [room.visibility === 'public' ? 'Public' : 'Private'];
  if (room.hasPassword) parts.push('password');
  parts.push(`${room.participantCount} of ${room.capacity} in the call`);
  if (room.myRole === 'owner') parts.push('yours');
  return parts.join(' · ');
}

/** Shows the rooms this user can join and the form that starts a new one. */
export class Lobby {
  #api;
  #join;
  #onRooms;
  /** @type {RoomSummary | undefined} the room the password form is for */
  #pending;
  #ui = {
    createForm: find('#create-room-form', HTMLFormElement),
    list: find('#room-list', HTMLUListElement),
    empty: find('#rooms-empty', HTMLParagraphElement),
    refresh: find('#refresh-rooms', HTMLButtonElement),
    passwordForm: find('#room-password-form', HTMLFormElement),
    passwordLabel: find('#join-password-label', HTMLLabelElement),
    cancelPassword: find('#cancel-password', HTMLButtonElement),
    error: find('#rooms-error', HTMLParagraphElement),
  };

  /**
   * @param {RoomsApi} api
   * @param {JoinHandler} join joins a room's call; rejects with the server's refusal
   * @param {RoomsListener} [onRooms] told the rooms each time the list loads
   */
  constructor(api, join, onRooms = () => {}) {
    this.#api = api;
    this.#join = join;
    this.#onRooms = onRooms;
    const ui = this.#ui;
    ui.createForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#create();
    });
    ui.refresh.addEventListener('click', () => void this.refresh());
    ui.passwordForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const room = this.#pending;
      if (!room) return;
      const password = field(ui.passwordForm, 'password').value;
      void submit(ui.passwordForm, () => this.#join(room, { password })).then((joined) => {
        if (joined) this.#closePassword();
      });
    });
    ui.cancelPassword.addEventListener('click', () => this.#closePassword());
  }

  /** Reloads the room list. */
  async refresh() {
    const ui = this.#ui;
    ui.list.setAttribute('aria-busy', 'true');
    try {
      const rooms = await this.#api.listRooms();
      ui.list.replaceChildren(...rooms.map((room) => this.#item(room)));
      ui.empty.hidden = rooms.length > 0;
      showMessage(ui.error);
      this.#onRooms(rooms);
    } catch (error) {
      showMessage(ui.error, error);
    } finally {
      ui.list.removeAttribute('aria-busy');
    }
  }

  /**
   * Shows why something the lobby started failed.
   *
   * @param {unknown} error
   */
  showError(error) {
    showMessage(this.#ui.error, error);
  }

  /** Forgets what was typed; for signing out. */
  reset() {
    this.#ui.createForm.reset();
    clearErrors(this.#ui.createForm);
    this.#closePassword();
    this.#ui.list.replaceChildren();
    showMessage(this.#ui.error);
  }

  async #create() {
    const form = this.#ui.createForm;
    const visibility = form.querySelector('input[name="visibility"]:checked');
    const password = field(form, 'password').value;
    const created = await submit(form, async () => {
      const room = await this.#api.createRoom({
        name: field(form, 'name').value.trim(),
        visibility:
          visibility instanceof HTMLInputElement && visibility.value === 'public'
            ? 'public'
            : 'private',
        ...(password ? { password } : {}),
      });
      await this.#join(room, {});
    });
    if (created) form.reset();
  }

  /** @param {RoomSummary} room */
  #item(room) {
    const item = document.createElement('li');
    item.className = 'room';
    const text = document.createElement('div');
    text.className = 'room-text';
    const name = document.createElement('span');
    name.className = 'room-name';
    name.textContent = room.name;
    const meta = document.createElement('span');
    meta.className = 'room-meta';
    meta.textContent = describe(room);
    text.append(name, meta);
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'button button-secondary button-small';
    button.textContent = 'Join';
    button.setAttribute('aria-label', `Join ${room.name}`);
    button.addEventListener('click', () => void this.#pick(room, button));
    item.append(text, button);
    return item;
  }

  /**
   * @param {RoomSummary} room
   * @param {HTMLButtonElement} button
   */
  async #pick(room, button) {
    showMessage(this.#ui.error);
    if (room.hasPassword && room.myRole === null) return this.#askPassword(room);
    button.disabled = true;
    try {
      await this.#join(room, {});
    } catch (error) {
      if (error instanceof MinimeetError && error.code === ErrorCode.RoomPasswordRequired)
        return this.#askPassword(room);
      showMessage(this.#ui.error, error);
    } finally {
      button.disabled = false;
    }
  }

  /** @param {RoomSummary} room */
  #askPassword(room) {
    this.#pending = room;
    const form = this.#ui.passwordForm;
    form.reset();
    clearErrors(form);
    this.#ui.passwordLabel.textContent = `Password for ${room.name}`;
    form.hidden = false;
    field(form, 'password').focus();
  }

  #closePassword() {
    this.#pending = undefined;
    this.#ui.passwordForm.reset();
    this.#ui.passwordForm.hidden = true;
  }
}
