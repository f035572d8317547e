// The minimeet demo: sign up or sign in with AuthClient, connect a MinimeetClient with the
// AuthClient's token provider (<minimeet-connection-status> shows the connection), then start or
// pick a room, or open an invite link, and join its call, with the room's chat beside the video,
// a search over every room's messages, and presence dots for the people one shares rooms with.
// No framework, no build step, no inline
// script (the server's CSP forbids it), and user data only ever reaches the page as text.
import {
  AuthClient,
  AuthEvent,
  ClientEvent,
  ConnectionState,
  MinimeetClient,
  createWebAuthStorage,
} from '/sdk/minimeet-sdk.js';
import { createRoomsApi } from './api.js';
import { CallView } from './call.js';
import { ChatPanel } from './chat.js';
import { clearErrors, field, find, initialOf, submit } from './dom.js';
import { Lobby } from './lobby.js';
import { PeopleBoard } from './presence.js';
import { MessageSearchBox } from './search.js';

/** The server this page came from; the demo always talks to it. */
const SERVER_URL = window.location.origin;

/** The status element; typed by the tag it will be upgraded to once its bundle loads. */
function findStatus() {
  const element = document.querySelector('minimeet-connection-status');
  if (!element) throw new TypeError('The page has no <minimeet-connection-status>.');
  return element;
}

const ui = {
  authHeading: find('#auth-heading', HTMLHeadingElement),
  authSubtitle: find('#auth-subtitle', HTMLParagraphElement),
  inviteNotice: find('#invite-notice', HTMLParagraphElement),
  loginForm: find('#login-form', HTMLFormElement),
  registerForm: find('#register-form', HTMLFormElement),
  switchPrompt: find('#switch-prompt', HTMLSpanElement),
  switchMode: find('#switch-mode', HTMLButtonElement),
  sessionHeading: find('#session-heading', HTMLHeadingElement),
  sessionName: find('#session-name', HTMLSpanElement),
  sessionEmail: find('#session-email', HTMLParagraphElement),
  sessionAvatar: find('#session-avatar', HTMLDivElement),
  connectionProblem: find('#connection-problem', HTMLDivElement),
  connectionError: find('#connection-error', HTMLParagraphElement),
  retry: find('#retry', HTMLButtonElement),
  status: findStatus(),
  logout: find('#logout', HTMLButtonElement),
  roomsError: find('#rooms-error', HTMLParagraphElement),
  callHeading: find('#call-heading', HTMLHeadingElement),
  chatConversation: find('#chat-conversation', HTMLDivElement),
};

// The session survives a reload of this tab (sessionStorage), and ends with the tab.
const auth = new AuthClient(SERVER_URL, {
  storage: createWebAuthStorage(window.sessionStorage),
  storageKey: 'minimeet-demo:session',
});
const client = new MinimeetClient();
const api = createRoomsApi(SERVER_URL, () => auth.getAccessToken());

// The element listens to the client; connecting and disconnecting stay with this page.
ui.status.client = client;

/** An invite code from the link this page was opened with, until it is used. */
let inviteCode = new URLSearchParams(window.location.search).get('invite') ?? undefined;
ui.inviteNotice.hidden = inviteCode === undefined;

/** @typedef {'login' | 'register'} AuthMode */

/** @param {'auth' | 'session' | 'call'} view */
function showView(view) {
  document.body.dataset.view = view;
  for (const section of document.querySelectorAll('[data-show-in]')) {
    if (section instanceof HTMLElement) section.hidden = section.dataset.showIn !== view;
  }
}

/** @param {AuthMode} mode */
function setMode(mode) {
  const register = mode === 'register';
  ui.loginForm.hidden = register;
  ui.registerForm.hidden = !register;
  ui.authHeading.textContent = register ? 'Create your account' : 'Sign in';
  ui.authSubtitle.textContent = register
    ? 'It takes a few seconds; you stay signed in until you close this tab.'
    : 'Welcome back. Sign in to connect.';
  ui.switchPrompt.textContent = register ? 'Already have an account?' : 'New to this server?';
  ui.switchMode.textContent = register ? 'Sign in' : 'Create an account';
  clearErrors(ui.loginForm);
  clearErrors(ui.registerForm);
}

/** @param {import('/sdk/minimeet-sdk.js').UserProfile} user */
function showSession(user) {
  ui.sessionName.textContent = user.displayName;
  ui.sessionEmail.textContent = user.email;
  ui.sessionAvatar.textContent = initialOf(user.displayName);
  showView('session');
}

async function connect() {
  if (client.state !== ConnectionState.Disconnected) return;
  hideConnectionProblem();
  // A failure also arrives as ClientEvent.Disconnected, which shows it.
  const session = await client.connect(SERVER_URL, auth.tokenProvider).catch(() => undefined);
  if (session) void people.start(session.principal.id);
}

/** @param {Error} error */
function showConnectionProblem(error) {
  ui.connectionError.textContent = `Could not stay connected: ${error.message}`;
  ui.connectionProblem.hidden = false;
}

function hideConnectionProblem() {
  ui.connectionProblem.hidden = true;
  ui.connectionError.textContent = '';
}

/**
 * Joins a room's call with camera and microphone on and shows it; rejects with the refusal.
 *
 * @param {import('./api.js').RoomSummary} details
 * @param {{ password?: string }} options
 */
async function joinCall(details, options) {
  await connect();
  const room = await client.joinRoom(details.id, { ...options, audio: true, video: true });
  roomNames.set(details.id, details.name);
  call.show(room, details);
  showView('call');
  ui.callHeading.focus();
}

/** @type {Map<string, string>} room names by id, from the lobby's list, for search results */
const roomNames = new Map();

const people = new PeopleBoard(client, api);
const chat = new ChatPanel(() => client.principal?.id);
const search = new MessageSearchBox(client, {
  roomName: (id) => roomNames.get(id),
  currentRoomId: () => chat.roomId,
  isLoaded: (id) => chat.isLoaded(id),
  reveal: (id) => chat.reveal(id),
  onToggle: (searching) => {
    ui.chatConversation.hidden = searching;
  },
});

/** The call ended: back to the lobby, saying why unless the user left. */
const call = new CallView(
  api,
  (message) => {
    search.reset();
    if (!auth.session) return;
    showView('session');
    ui.roomsError.textContent = message;
    ui.roomsError.hidden = !message;
    void lobby.refresh();
    ui.sessionHeading.focus();
  },
  { chat, presence: client.presence },
);

const lobby = new Lobby(api, joinCall, (rooms) => {
  for (const room of rooms) roomNames.set(room.id, room.name);
  void people.setRooms(rooms);
});

/** Accepts the invite this page was opened with and joins its room. */
async function followInvite() {
  const code = inviteCode;
  if (!code) return;
  inviteCode = undefined;
  ui.inviteNotice.hidden = true;
  // The code is used up for this tab; a reload must not accept it again.
  const url = new URL(window.location.href);
  url.searchParams.delete('invite');
  window.history.replaceState(null, '', url);
  try {
    const room = await api.acceptInvite(code);
    await joinCall(room, {});
  } catch (error) {
    lobby.showError(error);
  }
}

ui.loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn(ui.loginForm, () =>
    auth.login({
      email: field(ui.loginForm, 'email').value,
      password: field(ui.loginForm, 'password').value,
    }),
  );
});

ui.registerForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn(ui.registerForm, () =>
    auth.register({
      displayName: field(ui.registerForm, 'displayName').value,
      email: field(ui.registerForm, 'email').value,
      password: field(ui.registerForm, 'password').value,
    }),
  );
});

/**
 * Runs one sign-in or sign-up request from a form.
 *
 * @param {HTMLFormElement} form
 * @param {() => Promise<unknown>} request
 */
async function signIn(form, request) {
  if (!(await submit(form, request))) return;
  form.reset();
  // The form the user was in is gone; take them to what replaced it (unless a call did).
  if (document.body.dataset.view === 'session') ui.sessionHeading.focus();
}

ui.switchMode.addEventListener('click', () => {
  const mode = ui.registerForm.hidden ? 'register' : 'login';
  setMode(mode);
  field(
    mode === 'register' ? ui.registerForm : ui.loginForm,
    mode === 'register' ? 'displayName' : 'email',
  ).focus();
});

ui.logout.addEventListener('click', () => {
  ui.logout.disabled = true;
  void call
    .leave()
    .then(() => client.disconnect())
    .then(() => auth.logout())
    .catch(() => {
      // The local session is gone either way; the server forgets the refresh token when it expires.
    })
    .finally(() => {
      ui.logout.disabled = false;
    });
});

// One place decides what the page shows: the AuthClient's session.
auth.on(AuthEvent.SessionChanged, (session) => {
  if (session) {
    const view = document.body.dataset.view;
    const wasSignedIn = view === 'session' || view === 'call';
    // A refreshed session while in a call updates the name and leaves the call on screen.
    if (view === 'call') ui.sessionName.textContent = session.user.displayName;
    else showSession(session.user);
    if (!wasSignedIn) {
      void connect().then(() => {
        void lobby.refresh();
        void followInvite();
      });
    }
    return;
  }
  void call.leave().finally(() => client.disconnect());
  hideConnectionProblem();
  lobby.reset();
  people.reset();
  setMode('login');
  showView('auth');
  field(ui.loginForm, 'email').focus();
});

ui.retry.addEventListener('click', () => void connect());

// The client gave up (a refused token, or reconnecting failed for good): say so and offer a retry.
// Signing out also disconnects, but without an error and without a session to retry with.
client.on(ClientEvent.Disconnected, (error) => {
  if (error && auth.session) showConnectionProblem(error);
});

setMode('login');
void auth.restore().then((session) => {
  if (!session) showView('auth');
});
