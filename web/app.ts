// The page at `/`: notify's own elements on the same-origin cookie credential, plus what only this page has (demo pace, theme, sign-in).
// The elements come from the bundle `notify serve` serves to any app (web/build.mjs keeps this import external).
import '../src/elements/index.js';
import type { NotifyElement, NotifyTheme } from '../src/elements/index.js';
import type { PageConfig } from '../src/http/page-routes.js';

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node as T;
}

const config = JSON.parse(byId('notify-page-config').textContent ?? '{}') as PageConfig;
const base = new URL('.', location.href).toString();
const elements = [byId<NotifyElement>('inbox'), byId<NotifyElement>('feed'), byId<NotifyElement>('preferences')];

// In dev and demo mode the page (re)issues the demo user's HttpOnly cookie before each connection; otherwise the
// cookie of the application serving this page is the credential. One provider for all three: one connection.
const signIn = async (): Promise<null> => {
  const response = await fetch(new URL('demo/sign-in', base), { method: 'POST', credentials: 'same-origin' });
  if (!response.ok) throw new Error(`sign-in answered ${response.status}`);
  return null;
};
for (const element of elements) {
  element.server = base;
  if (config.signIn) element.getToken = signIn;
}

const themeSelect = byId<HTMLSelectElement>('theme');
const applyTheme = (): void => {
  const theme = themeSelect.value as NotifyTheme;
  document.documentElement.dataset['theme'] = theme;
  for (const element of elements) element.theme = theme;
};
themeSelect.addEventListener('change', applyTheme);
applyTheme();

/** The demo pace this page asked for; sent again on every connection (the server's pace is per connection). */
let frequencySec = config.demo?.intervalSec;

async function wire(): Promise<void> {
  const inbox = elements[0]!;
  await inbox.updateComplete;
  const store = inbox.activeStore;
  if (!store) return;
  const user = byId('user');
  store.subscribe(() => {
    const id = store.getSnapshot().userId;
    user.textContent = id === undefined ? '' : ` · signed in as ${id}`;
  });
  const sendConfigure = (): void => {
    if (frequencySec === undefined || store.client.state !== 'open') return;
    store.client.configure(frequencySec);
  };
  store.client.on('connection_established', () => {
    if (frequencySec !== config.demo?.intervalSec) sendConfigure();
  });
  const demo = config.demo;
  if (!demo) return;
  const frequency = byId<HTMLInputElement>('frequency');
  const shown = byId<HTMLOutputElement>('frequency-value');
  byId('demo-controls').hidden = false;
  frequency.min = String(demo.minSec);
  frequency.max = String(demo.maxSec);
  frequency.value = String(demo.intervalSec);
  byId('frequency-min').textContent = String(demo.minSec);
  byId('frequency-max').textContent = String(demo.maxSec);
  const show = (): void => {
    shown.textContent = `every ${Number(frequency.value).toFixed(1)} s`;
  };
  show();
  frequency.addEventListener('input', show);
  frequency.addEventListener('change', () => {
    frequencySec = Number(frequency.value);
    sendConfigure();
  });
}

void wire();
