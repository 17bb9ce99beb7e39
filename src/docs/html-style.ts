// Styles for the plain reference section of the HTML docs, in the AsyncAPI component's palette.

/** Apart from `body`, scoped to `.notify-bar`, `.notify-loading` and `.notify-reference`, so it cannot restyle the AsyncAPI view (`.aui-root`). */
export const referenceCss = `body { margin: 0; background: #fff; color: #1f2937; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
.notify-bar { position: sticky; top: 0; z-index: 10; display: flex; gap: 1.25rem; align-items: center; padding: .6rem 1.5rem; background: #1f2937; color: #f9fafb; font-size: .9rem; }
.notify-bar a { color: #a5f3fc; text-decoration: none; }
.notify-bar a:hover { text-decoration: underline; }
.notify-loading { max-width: 72rem; margin: 1.5rem auto; padding: 0 1.5rem; color: #6b7280; }
.notify-reference { max-width: 72rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; border-top: 4px solid #e5e7eb; line-height: 1.5; }
.notify-reference h1 { font-size: 1.8rem; margin: 0 0 1rem; }
.notify-reference h2 { font-size: 1.4rem; margin: 2.5rem 0 .75rem; padding-bottom: .25rem; border-bottom: 1px solid #e5e7eb; }
.notify-reference h3 { font-size: 1.1rem; margin: 0 0 .5rem; }
.notify-reference code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88em; background: #f3f4f6; padding: .05rem .3rem; border-radius: .25rem; }
.notify-reference pre { background: #011627; color: #d6deeb; padding: .9rem 1rem; border-radius: .375rem; overflow-x: auto; }
.notify-reference pre code { background: none; padding: 0; color: inherit; }
.notify-reference table { width: 100%; border-collapse: collapse; margin: .75rem 0 1rem; font-size: .92rem; }
.notify-reference th, .notify-reference td { text-align: left; vertical-align: top; padding: .4rem .6rem; border: 1px solid #e5e7eb; }
.notify-reference th { background: #f9fafb; }
.notify-reference .message { margin: 1.5rem 0; padding: 1rem 1.25rem; border: 1px solid #e5e7eb; border-left: 4px solid #6366f1; border-radius: .375rem; }
.notify-reference .message-control { border-left-color: #0ea5e9; }
.notify-reference .message-action, .notify-reference .message-text { border-left-color: #10b981; }
.notify-reference .summary { font-weight: 600; }
.notify-reference .meta { color: #6b7280; font-size: .88rem; }
.notify-reference figure { margin: .75rem 0 0; }
.notify-reference figcaption { font-size: .9rem; color: #4b5563; }
.notify-reference .contents ul { margin: .25rem 0; }
.notify-reference [id] { scroll-margin-top: 3rem; }
`;
