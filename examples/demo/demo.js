// The minimeet demo: sign up or sign in with AuthClient, then connect a MinimeetClient with the
// AuthClient's token provider; <minimeet-connection-status> shows the connection. No framework,
// no build step, no inline script (the server's CSP forbids it), and user data only ever reaches
// the page as text.
import {
  AuthClient,
  AuthEvent,
  ClientEvent,
  ConnectionState,
  ErrorCode,
  MinimeetClient,
  MinimeetError,
  createWebAuthStorage,
} from '/sdk/minimeet-sdk.js';

/** The server this page came from; the demo always talks to it. */
const SERVER_URL = window.location.origin;

/**
 * Finds one element of the page; the page and this script ship together, so a miss is a bug.
 *
 * @template {Element} T
 * @param {string} selector
 * @param {new (...args: never[]) => T} type
 * @returns {T}
 */
function find(selector, type) {
  const element = document.querySelector(selector);
  if (!(element instanceof type)) throw new TypeError(`The page has no ${selector}.`);
  return element;
}

/** The status element; typed by the tag it will be upgraded to once its bundle loads. */
function findStatus() {
  const element = document.querySelector('minimeet-connection-status');
  if (!element) throw new TypeError('The page has no <minimeet-connection-status>.');
  return element;
}

const ui = {
  authHeading: find('#auth-heading', HTMLHeadingElement),
  authSubtitle: find('#auth-subtitle', HTMLParagraphElement),
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
};

// The session survives a reload of this tab (sessionStorage), and ends with the tab.
const auth = new AuthClient(SERVER_URL, {
  storage: createWebAuthStorage(window.sessionStorage),
  storageKey: 'minimeet-demo:session',
});
const client = new MinimeetClient();

// The element listens to the client; connecting and disconnecting stay with this page.
ui.status.client = client;

/** @typedef {'login' | 'register'} AuthMode */

/** @param {'auth' | 'session'} view */
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

/**
 * @param {HTMLFormElement} form
 * @param {string} name
 * @returns {HTMLInputElement}
 */
function field(form, name) {
  const input = form.elements.namedItem(name);
  if (!(input instanceof HTMLInputElement)) throw new TypeError(`The form has no ${name} field.`);
  return input;
}

/** @param {HTMLFormElement} form */
function errorBox(form) {
  return find(`#${form.id} .form-error`, HTMLParagraphElement);
}

/** @param {HTMLFormElement} form */
function clearErrors(form) {
  const box = errorBox(form);
  box.hidden = true;
  box.textContent = '';
  for (const input of form.querySelectorAll('input')) input.removeAttribute('aria-invalid');
}

/**
 * Shows why a request failed, as text, and marks the fields the server named.
 *
 * @param {HTMLFormElement} form
 * @param {unknown} error
 */
function showError(form, error) {
  const box = errorBox(form);
  let message = 'Something went wrong. Please try again.';
  /** @type {HTMLInputElement | undefined} */
  let firstInvalid;
  if (error instanceof MinimeetError) {
    message = error.message;
    const issues = error.details?.issues ?? [];
    if (error.code === ErrorCode.ValidationFailed && issues.length > 0) {
      message = issues.map((issue) => issue.message).join('\n');
      for (const issue of issues) {
        const input = form.elements.namedItem(issue.path);
        if (input instanceof HTMLInputElement) {
          input.setAttribute('aria-invalid', 'true');
          firstInvalid ??= input;
        }
      }
    }
  }
  box.textContent = message;
  box.hidden = false;
  firstInvalid?.focus();
}

/** @param {import('/sdk/minimeet-sdk.js').UserProfile} user */
function showSession(user) {
  ui.sessionName.textContent = user.displayName;
  ui.sessionEmail.textContent = user.email;
  ui.sessionAvatar.textContent = Array.from(user.displayName.trim())[0]?.toUpperCase() ?? '?';
  showView('session');
}

async function connect() {
  if (client.state !== ConnectionState.Disconnected) return;
  hideConnectionProblem();
  // A failure also arrives as ClientEvent.Disconnected, which shows it.
  await client.connect(SERVER_URL, auth.tokenProvider).catch(() => undefined);
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
 * Runs one sign-in or sign-up request from a form, with the button busy meanwhile.
 *
 * @param {HTMLFormElement} form
 * @param {() => Promise<unknown>} request
 */
async function submit(form, request) {
  const button = find(`#${form.id} button[type="submit"]`, HTMLButtonElement);
  clearErrors(form);
  button.disabled = true;
  form.setAttribute('aria-busy', 'true');
  try {
    await request();
  } catch (error) {
    showError(form, error);
    return;
  } finally {
    button.disabled = false;
    form.removeAttribute('aria-busy');
  }
  form.reset();
  // The form the user was in is gone; take them to what replaced it.
  ui.sessionHeading.focus();
}

ui.loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void submit(ui.loginForm, () =>
    auth.login({
      email: field(ui.loginForm, 'email').value,
      password: field(ui.loginForm, 'password').value,
    }),
  );
});

ui.registerForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void submit(ui.registerForm, () =>
    auth.register({
      displayName: field(ui.registerForm, 'displayName').value,
      email: field(ui.registerForm, 'email').value,
      password: field(ui.registerForm, 'password').value,
    }),
  );
});

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
  void client
    .disconnect()
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
    const wasSignedIn = document.body.dataset.view === 'session';
    showSession(session.user);
    if (!wasSignedIn) void connect();
    return;
  }
  void client.disconnect();
  hideConnectionProblem();
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
