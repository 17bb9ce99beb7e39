// A React 19 app on notify/react, bundled by esbuild in the test: the provider, the hooks, <Inbox> with typed renderers, <Feed>.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { Catalog } from '../../../generated/index.js';
import { Feed, Inbox, NotifyProvider, defineRenderers, useNotifications, useNotifyStatus, usePreferences, useUnreadCount, type ReactRenderers } from '../../../src/react/index.js';

/** The app's own rendering of invitations (the other types keep their display templates in the inbox). */
function InvitationCard({ group, inviter, onDecline }: { group: string; inviter: string; onDecline: () => void }) {
  const [answered, setAnswered] = useState(false);
  return (
    <span className="invitation-card">
      <strong>{inviter}</strong> wants you in <em>{group}</em>{' '}
      {answered ? (
        <span className="answered">Declined</span>
      ) : (
        <button
          type="button"
          className="decline"
          onClick={() => {
            setAnswered(true);
            onDecline();
          }}
        >
          Decline
        </button>
      )}
    </span>
  );
}

function Shell() {
  const unread = useUnreadCount();
  const status = useNotifyStatus();
  const unreadList = useNotifications<Catalog>({ view: 'unread' });
  const { preferences, setPreference } = usePreferences();
  const [declined, setDeclined] = useState<string[]>([]);
  // Any subset of the catalog's types, each typed by its own notification.
  const inboxRenderers: ReactRenderers<Catalog> = {
    invitation_received: (n) => <InvitationCard group={n.data.groupName} inviter={n.data.inviterUsername} onDecline={() => setDeclined((d) => [...d, n.data.invitationId])} />,
  };
  // Every type: what the feed shows is the app's own for all of them.
  const feedRenderers = defineRenderers<Catalog>()({
    invitation_received: (n) => <span className="r">invited by {n.data.inviterUsername}</span>,
    invitation_accepted: (n) => <span className="r">accepted by {n.data.acceptedByUsername}</span>,
    invitation_denied: (n) => <span className="r">declined by {n.data.deniedByUsername}</span>,
    info: (n) => <span className="r">info: {n.data.title} ({n.data.priority})</span>,
    warning: (n) => <span className="r">warning: {n.data.title}</span>,
    error: (n) => <span className="r">error {n.data.errorCode}: {n.data.title}</span>,
    success: (n) => <span className="r">done in {n.data.completionTime}</span>,
    product_expiry: (n) => <span className="r">{n.data.productName} expires</span>,
  });
  return (
    <>
      <header>
        <h1>A React app</h1>
        <p>
          <span id="status">{status.state}</span> as <span id="user">{status.userId ?? '…'}</span>, <span id="unread">{unread ?? '–'}</span> unread
        </p>
        <Inbox<Catalog> renderers={inboxRenderers} theme="light" />
      </header>
      <main>
        <section aria-label="Unread by hooks">
          <ul id="unread-list">
            {unreadList.notifications.map((n) => (
              <li key={n.id} data-id={n.id}>
                {n.type}{' '}
                <button type="button" onClick={() => void unreadList.markRead(n.id)}>
                  Read {n.id}
                </button>
              </li>
            ))}
          </ul>
          <p id="declined">{declined.join(',')}</p>
          <label>
            <input type="checkbox" id="system-switch" checked={preferences?.categories['system'] ?? true} disabled={!preferences} onChange={(e) => void setPreference('categories', 'system', e.target.checked)} />
            System notifications
          </label>
        </section>
        <Feed renderers={feedRenderers} quiet theme="dark" />
      </main>
    </>
  );
}

const config = JSON.parse(document.getElementById('config')!.textContent!) as { server: string; token: string };
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <NotifyProvider server={config.server} token={config.token}>
      <Shell />
    </NotifyProvider>
  </StrictMode>,
);
