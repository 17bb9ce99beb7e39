// <notify-preferences>: the user's notification preferences on their own, one switch per category and type.
import { css, html } from 'lit';
import { NotifyElement } from '../notify-element.js';
import { renderPreferences } from '../parts/preferences-view.js';
import { preferenceStyles, statusStyles, themeStyles } from '../parts/styles.js';

/**
 * The switches `<notify-inbox>` shows in its preferences view. A change reaches every device of the user.
 *
 * @attr server, token, lang, theme (see NotifyElement)
 * @csspart section, title, notice, preferences, preference-group, preference, switch, empty
 */
export class NotifyPreferences extends NotifyElement {
  static override styles = [
    themeStyles,
    preferenceStyles,
    statusStyles,
    css`
      :host {
        display: block;
      }
      .section {
        background: var(--_bg);
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
      }
      .heading {
        margin: 0;
        padding: 12px 12px 0;
        font-size: 1.05em;
      }
    `,
  ];

  constructor() {
    super();
    this.quiet = true;
  }

  protected override render(): unknown {
    const snapshot = this.activeStore?.getSnapshot();
    return html`<section class="section" part="section" aria-labelledby="preferences-title">
      <h2 class="heading" part="title" id="preferences-title">${this.t('preferencesTitle')}</h2>
      ${this.renderNotice(snapshot)} ${renderPreferences(this, snapshot)}
    </section>`;
  }
}
