// The display renderer of notify/client: template syntax, the link rule, locale fallback, absent fields, text never HTML.
import { describe, expect, it } from 'vitest';
import { isSafeLink } from '../../src/client/display-link.js';
import { pickLocale } from '../../src/client/display-locale.js';
import { literalTemplate, parseTemplate } from '../../src/client/display-template.js';
import { renderDisplay, type DisplayTemplates } from '../../src/client/display.js';
import { displayTemplates, display } from '../../generated/index.js';

describe('parseTemplate', () => {
  it('splits literal text and placeholders, nested ones as paths', () => {
    expect(parseTemplate('Order {orderId} for {customer.name}')).toEqual({
      parts: ['Order ', { path: ['orderId'] }, ' for ', { path: ['customer', 'name'] }],
      fields: ['orderId', 'customer.name'],
    });
  });

  it('reads doubled braces as literal braces, and literalTemplate writes them', () => {
    expect(parseTemplate('{{not}} {x}}}')).toEqual({ parts: ['{not} ', { path: ['x'] }, '}'], fields: ['x'] });
    const text = 'Set {a} = {{b}}';
    expect(parseTemplate(literalTemplate(text)).parts).toEqual([text]);
  });

  it('says what is wrong with a malformed template, keeping the text it could not read as literal', () => {
    for (const [text, problem] of [
      ['Hello {name', /no closing "}"/],
      ['Hello name}', /a lone "}"/],
      ['Hello { name }', /"\{ name \}" is not a placeholder/],
      ['Hello {}', /"\{\}" is not a placeholder/],
      ['Hello {a..b}', /not a placeholder/],
    ] as const) {
      const parsed = parseTemplate(text);
      expect(parsed.error, text).toMatch(problem);
      expect(parsed.fields, text).toEqual([]);
      expect(parsed.parts.join(''), text).toBe(text);
    }
  });
});

describe('isSafeLink (url and icon)', () => {
  it('accepts http(s) URLs and relative references', () => {
    for (const link of ['https://shop.example.com/orders/1', 'http://127.0.0.1:8080/x?y=1#z', 'HTTPS://EXAMPLE.COM', '/orders/1', 'orders/1', '../up', '?tab=2', '#top', '//cdn.example.com/icon.png', 'javascript%3Aalert(1)']) {
      expect(isSafeLink(link), link).toBe(true);
    }
  });

  it('refuses every other scheme, however it is disguised', () => {
    for (const link of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      ' javascript:alert(1)',
      'javascript:alert(1) ',
      '\u0000javascript:alert(1)',
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
      'jav&#x09;ascript:alert(1)'.replace('&#x09;', '\t'),
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      'blob:https://example.com/1',
      'mailto:a@example.com',
      '\u00a0https://example.com',
      '',
      'https://exa mple.com:99999',
    ]) {
      expect(isSafeLink(link), JSON.stringify(link)).toBe(false);
    }
  });
});

describe('pickLocale', () => {
  const available = ['en', 'de', 'de-AT', 'fr'];
  it('takes the tag itself, then its shorter forms, then its language, case-insensitively', () => {
    expect(pickLocale(available, 'de-AT')).toBe('de-AT');
    expect(pickLocale(available, 'de-at')).toBe('de-AT');
    expect(pickLocale(available, 'de-CH')).toBe('de');
    expect(pickLocale(available, 'de-CH-1996')).toBe('de');
    expect(pickLocale(['en', 'de-AT'], 'de')).toBe('de-AT');
    expect(pickLocale(['en', 'zh-Hant'], 'zh-Hant-TW')).toBe('zh-Hant');
  });

  it('walks a preference list in order, then falls back to en, then to the first listed', () => {
    expect(pickLocale(available, ['it', 'fr-CA', 'de'])).toBe('fr');
    expect(pickLocale(available, 'it')).toBe('en');
    expect(pickLocale(['fr', 'de'], 'it')).toBe('fr');
    expect(pickLocale(['fr', 'de'])).toBe('fr');
    expect(pickLocale(['fr', 'en'], undefined)).toBe('en');
    expect(pickLocale(['*'], 'de')).toBe('*');
    expect(pickLocale([], 'de')).toBeUndefined();
  });

  it('skips a requested value that is not a language tag', () => {
    expect(pickLocale(available, ['not a tag!', 'de'])).toBe('de');
    expect(pickLocale(available, '')).toBe('en');
  });
});

describe('renderDisplay', () => {
  const templates: DisplayTemplates = {
    order_shipped: {
      en: { title: 'Order {orderId} shipped', body: 'With {carrier}, arriving {eta}.', url: '{trackingUrl}', icon: '/icons/{carrier}.png' },
      de: { title: 'Bestellung {orderId} verschickt', body: 'Mit {carrier}.', url: '{trackingUrl}' },
    },
    build: { '*': { title: 'Build {build.number} {build.state}', url: 'https://ci.example.com/builds/{build.number}?branch={branch}' } },
  };
  const order = { orderId: 'A-1', carrier: 'DHL', eta: 'Friday', trackingUrl: 'https://t.example.com/A-1' };

  it('renders each locale, and falls back de-CH → de, fr → en', () => {
    expect(renderDisplay(templates, { type: 'order_shipped', data: order }, 'en')).toEqual({
      title: 'Order A-1 shipped',
      body: 'With DHL, arriving Friday.',
      url: 'https://t.example.com/A-1',
      icon: '/icons/DHL.png',
      lang: 'en',
    });
    expect(renderDisplay(templates, { type: 'order_shipped', data: order }, 'de-CH')).toEqual({
      title: 'Bestellung A-1 verschickt',
      body: 'Mit DHL.',
      url: 'https://t.example.com/A-1',
      lang: 'de',
    });
    expect(renderDisplay(templates, { type: 'order_shipped', data: order }, 'fr').lang).toBe('en');
    expect(renderDisplay(templates, { type: 'order_shipped', data: order }).lang).toBe('en');
  });

  it('leaves out a body or link whose field is absent; a title placeholder without a value renders as nothing', () => {
    const { eta: _eta, ...noEta } = order;
    expect(renderDisplay(templates, { type: 'order_shipped', data: noEta }, 'en')).toEqual({ title: 'Order A-1 shipped', url: order.trackingUrl, icon: '/icons/DHL.png', lang: 'en' });
    expect(renderDisplay(templates, { type: 'order_shipped', data: { ...order, eta: null } }, 'en').body).toBeUndefined();
    expect(renderDisplay(templates, { type: 'order_shipped', data: { carrier: 'DHL' } }, 'en').title).toBe('Order  shipped');
    // Nothing at all for the title: the type stands in.
    expect(renderDisplay({ t: { '*': { title: '{x}' } } }, { type: 't', data: {} }).title).toBe('t');
  });

  it('shows a type without a template by its fallback title, else by its type', () => {
    expect(renderDisplay(templates, { type: 'invoice_ready', data: {} }, 'en')).toEqual({ title: 'invoice_ready' });
    expect(renderDisplay(templates, { type: 'invoice_ready', data: {} }, 'en', 'Invoice ready')).toEqual({ title: 'Invoice ready' });
    expect(renderDisplay(templates, { type: 'order_shipped', data: order }, 'en', 'Order shipped').title).toBe('Order A-1 shipped');
  });

  it('inserts numbers with String(), and nothing for booleans, objects or arrays', () => {
    const t: DisplayTemplates = { n: { '*': { title: 'n={n} b={b} o={o} a={a}' } } };
    expect(renderDisplay(t, { type: 'n', data: { n: 4900, b: true, o: { x: 1 }, a: [1] } }).title).toBe('n=4900 b= o= a=');
    expect(renderDisplay(t, { type: 'n', data: { n: 0.5 } }).title).toBe('n=0.5 b= o= a=');
  });

  it('encodes a placeholder inside a longer link, and takes a whole-link placeholder as is', () => {
    const data = { build: { number: 7, state: 'passed' }, branch: 'feature/a b&c' };
    expect(renderDisplay(templates, { type: 'build', data })).toEqual({ title: 'Build 7 passed', url: 'https://ci.example.com/builds/7?branch=feature%2Fa%20b%26c' });
    const hostile = renderDisplay(templates, { type: 'build', data: { build: { number: '1/../../evil?', state: 'x' }, branch: 'b' } });
    expect(hostile.url).toBe('https://ci.example.com/builds/1%2F..%2F..%2Fevil%3F?branch=b');
  });

  it('never lets a javascript: (or other non-http) link out of a whole-link placeholder', () => {
    for (const trackingUrl of ['javascript:alert(document.cookie)', ' javascript:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', '']) {
      const shown = renderDisplay(templates, { type: 'order_shipped', data: { ...order, trackingUrl } }, 'en');
      expect(shown.url, JSON.stringify(trackingUrl)).toBeUndefined();
      expect(shown.title).toBe('Order A-1 shipped');
    }
    // A placeholder cannot supply the scheme of a longer template either: it is encoded.
    const schemeFromData = renderDisplay({ t: { '*': { title: 't', url: '{scheme}:alert(1)' } } }, { type: 't', data: { scheme: 'javascript' } });
    expect(schemeFromData.url).toBeUndefined();
  });

  it('keeps markup in values as text: no escaping, no interpretation, the characters as pushed', () => {
    const xss = '<img src=x onerror=alert(1)><script>alert(2)</script>&amp;"\'';
    const shown = renderDisplay(templates, { type: 'order_shipped', data: { ...order, orderId: xss, carrier: '{carrier}' } }, 'en');
    expect(shown.title).toBe(`Order ${xss} shipped`);
    // A value that looks like a placeholder is not expanded again.
    expect(shown.body).toBe('With {carrier}, arriving Friday.');
    expect(shown.icon).toBe('/icons/%7Bcarrier%7D.png');
  });

  it('shows a type it has no template for by its type, and reads only own fields of data', () => {
    expect(renderDisplay(templates, { type: 'unknown_type', data: {} })).toEqual({ title: 'unknown_type' });
    expect(renderDisplay(templates, { type: 'constructor', data: {} })).toEqual({ title: 'constructor' });
    expect(renderDisplay(templates, { type: '__proto__', data: {} })).toEqual({ title: '__proto__' });
    const shown = renderDisplay({ t: { '*': { title: 'x{toString}{constructor.name}' } } }, { type: 't', data: {} });
    expect(shown.title).toBe('x');
  });

  it('survives templates that are not templates (hand-made or from elsewhere)', () => {
    const junk = { a: null, b: { en: { title: 3 } }, c: { en: { title: 'ok {x', body: 7, url: ['x'] } } } as unknown as DisplayTemplates;
    expect(renderDisplay(junk, { type: 'a', data: {} })).toEqual({ title: 'a' });
    expect(renderDisplay(junk, { type: 'b', data: {} })).toEqual({ title: 'b' });
    expect(renderDisplay(junk, { type: 'c', data: { x: 1 } })).toEqual({ title: 'ok {x', lang: 'en' });
    expect(renderDisplay(null as unknown as DisplayTemplates, { type: 'a' })).toEqual({ title: 'a' });
  });
});

describe('the built-in catalog (generated/)', () => {
  it('has templates for every type, in English and German where the text is its own', async () => {
    const { notificationTypes, notificationExamples } = await import('../../generated/index.js');
    expect(Object.keys(displayTemplates)).toEqual([...notificationTypes]);
    for (const type of notificationTypes) {
      const locales = Object.keys(displayTemplates[type]);
      expect(locales, type).toEqual(locales[0] === '*' ? ['*'] : ['en', 'de']);
      // Every example renders a title with every placeholder filled.
      for (const example of notificationExamples[type]) {
        for (const locale of ['en', 'de']) {
          const shown = display(example, locale);
          expect(shown.title, `${type} ${locale}`).not.toMatch(/[{}]|^\s|\s$|\s\s/);
          if (shown.body !== undefined) expect(shown.body, `${type} ${locale}`).not.toMatch(/[{}]/);
        }
      }
    }
  });

  it('renders an invitation in German and in English, and a de-CH reader gets German', () => {
    const example = { type: 'invitation_received' as const, data: { invitationId: '550e8400-e29b-41d4-a716-446655440000', groupId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', groupName: 'Project Alpha', inviterUsername: 'alice' } };
    expect(display(example, 'de-CH')).toEqual({ title: 'alice hat dich zu Project Alpha eingeladen', body: 'Nimm die Einladung in Project Alpha an oder lehne sie ab.', lang: 'de' });
    expect(display(example, ['ja', 'en-GB'])).toEqual({ title: 'alice invited you to Project Alpha', body: 'Accept or decline the invitation to join Project Alpha.', lang: 'en' });
    expect(display({ type: 'info', data: { title: 'Hi', message: 'Hello', priority: 'low' } }, 'de')).toEqual({ title: 'Hi', body: 'Hello' });
  });
});
