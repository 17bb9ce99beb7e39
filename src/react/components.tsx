// <Inbox>, <Feed> and <Preferences>: the custom elements wrapped for React (@lit/react) on the provider's model, with React renderers.
import { createComponent, type EventName } from '@lit/react';
import React, { memo, useMemo, useSyncExternalStore, type CSSProperties, type ReactNode } from 'react';
import type { BuiltInCatalog, CatalogShape } from '../client/catalog-types.js';
import { NotifyFeed } from '../elements/feed/notify-feed.js';
import { NotifyInbox } from '../elements/inbox/notify-inbox.js';
import '../elements/index.js';
import type { NotifyMessages } from '../elements/messages.js';
import type { InboxView } from '../elements/model/feed-query.js';
import type { InboxItem } from '../elements/model/inbox-store.js';
import type { NotifyTheme } from '../elements/notify-element.js';
import { itemSlotName, slotRenderer, type ElementRenderers } from '../elements/parts/item-view.js';
import type { NotifyOpenDetail } from '../elements/parts/list-controller.js';
import { NotifyPreferences } from '../elements/preferences/notify-preferences.js';
import { useInboxStore } from './context.js';
import type { ReactRenderers } from './renderers.js';

const events = {
  onOpen: 'notify-open' as EventName<CustomEvent<NotifyOpenDetail>>,
  onToggle: 'notify-toggle' as EventName<CustomEvent<{ open: boolean }>>,
};
const InboxElement = createComponent({ react: React, tagName: 'notify-inbox', elementClass: NotifyInbox, events });
const FeedElement = createComponent({ react: React, tagName: 'notify-feed', elementClass: NotifyFeed, events: { onOpen: events.onOpen } });
const PreferencesElement = createComponent({ react: React, tagName: 'notify-preferences', elementClass: NotifyPreferences });

/** What every wrapper takes besides the renderers. */
export interface ElementProps {
  theme?: NotifyTheme;
  lang?: string;
  messages?: Partial<NotifyMessages>;
  className?: string;
  style?: CSSProperties;
  id?: string;
  /** The app's service worker URL (notify's `sw.js` on the app's origin): the preferences view then offers Web Push where available. */
  webPushWorker?: string;
}

export interface ListProps<C extends CatalogShape> extends ElementProps {
  /** React render functions by type (any subset; use `defineRenderers<Catalog>()` to require all); others show their display template. */
  renderers?: ReactRenderers<C>;
  /** The tab shown first. */
  view?: InboxView;
  /** No live-region announcements from this one. */
  quiet?: boolean;
  /** An item was opened; `event.preventDefault()` keeps the page from following its `url` (route it yourself). */
  onOpen?: (event: CustomEvent<NotifyOpenDetail>) => void;
}

export interface InboxProps<C extends CatalogShape> extends ListProps<C> {
  open?: boolean;
  onToggle?: (event: CustomEvent<{ open: boolean }>) => void;
}

type SlotRender = (notification: unknown, item: InboxItem<unknown>) => ReactNode;

/** One item's React content in its slot; the model keeps an unchanged item the same object, so this renders again only when it changed. */
const SlottedItem = memo(function SlottedItem({ item, render }: { item: InboxItem<unknown>; render: SlotRender }): ReactNode {
  return <div slot={itemSlotName(item.id)}>{render(item.notification, item)}</div>;
});

/**
 * The element's renderers (each type with a React renderer shows its item's slot) and the slotted children: React
 * renders each held notification of those types into a child with `slot="item-<id>"`, so its content is ordinary React
 * (state, effects, context, event handlers) in the light DOM, styled by the app's CSS, shown inside the item.
 */
function useSlottedRenderers<C extends CatalogShape>(renderers: ReactRenderers<C> | undefined): { elementRenderers: ElementRenderers | undefined; children: ReactNode } {
  const store = useInboxStore();
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  const table = renderers as Readonly<Record<string, SlotRender | undefined>> | undefined;
  const types = table ? Object.keys(table).filter((type) => typeof table[type] === 'function') : [];
  const typeKey = types.join('\n');
  const elementRenderers = useMemo(() => (typeKey === '' ? undefined : Object.fromEntries(typeKey.split('\n').map((type) => [type, slotRenderer]))), [typeKey]);
  const children = table
    ? snapshot.items.flatMap((item) => {
        const render = table[(item.notification as { type: string }).type];
        return render ? [<SlottedItem key={item.id} item={item} render={render} />] : [];
      })
    : null;
  return { elementRenderers, children };
}

/** `<notify-inbox>` on the provider's model: the bell, its panel and, per type, the app's React renderers. */
export function Inbox<C extends CatalogShape = BuiltInCatalog>({ renderers, ...props }: InboxProps<C>): ReactNode {
  const store = useInboxStore();
  const { elementRenderers, children } = useSlottedRenderers(renderers);
  return (
    <InboxElement {...props} store={store} renderers={elementRenderers}>
      {children}
    </InboxElement>
  );
}

/** `<notify-feed>` on the provider's model: the list as a page, with the app's React renderers. */
export function Feed<C extends CatalogShape = BuiltInCatalog>({ renderers, ...props }: ListProps<C>): ReactNode {
  const store = useInboxStore();
  const { elementRenderers, children } = useSlottedRenderers(renderers);
  return (
    <FeedElement {...props} store={store} renderers={elementRenderers}>
      {children}
    </FeedElement>
  );
}

/** `<notify-preferences>` on the provider's model. */
export function Preferences(props: ElementProps): ReactNode {
  const store = useInboxStore();
  return <PreferencesElement {...props} store={store} />;
}
