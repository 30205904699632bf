/**
 * The page frame of the web review page: header with navigation and the reviewer's name, a flash
 * message, and the stylesheet (served by the app itself at {@link STYLESHEET_PATH}; no external assets).
 */
import { raw } from 'hono/html';
import type { Child, FC } from 'hono/jsx';

/** A one-time message shown at the top of the next page (set by POST handlers before redirecting). */
export interface Flash {
  kind: 'ok' | 'error' | 'warning';
  text: string;
  /** Optional detail lines (e.g. per-change results of a batch). */
  lines?: string[];
}

const CSS = `
:root { --fg:#1d1f23; --muted:#5b616b; --line:#d6d9de; --bg:#fff; --soft:#f5f6f8; --accent:#1f5fbf;
  --ok:#17663a; --okbg:#e3f4e9; --bad:#a4161a; --badbg:#fbe5e6; --warn:#7a4b00; --warnbg:#fff2d6; }
* { box-sizing: border-box; }
body { margin:0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
a { color:var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible {
  outline:3px solid #f2a900; outline-offset:2px; }
.skip { position:absolute; left:-999px; } .skip:focus { left:8px; top:8px; background:#fff; padding:4px 8px; z-index:9; }
header.top { display:flex; gap:24px; align-items:center; flex-wrap:wrap; padding:10px 24px; background:#22262e; color:#fff; }
header.top a { color:#fff; text-decoration:none; font-weight:600; } header.top nav a { margin-right:16px; font-weight:500; }
header.top .brand { font-size:18px; } header.top form { margin-left:auto; display:flex; gap:6px; align-items:center; }
header.top input { width:9em; }
main { max-width:1180px; margin:0 auto; padding:16px 24px 64px; }
h1 { font-size:24px; margin:12px 0 4px; } h2 { font-size:19px; margin:28px 0 8px; border-bottom:1px solid var(--line); padding-bottom:4px; }
h3 { font-size:16px; margin:0; }
.muted { color:var(--muted); } .mono, code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size:13px; }
table { border-collapse:collapse; width:100%; margin:8px 0; } th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:var(--soft); font-weight:600; }
.badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; font-weight:600; border:1px solid var(--line); background:var(--soft); white-space:nowrap; }
.st-approved, .st-applied, .st-completed { background:var(--okbg); color:var(--ok); border-color:#b5dfc3; }
.st-edited { background:#e4ecfb; color:#1f4f9f; border-color:#bccdf0; }
.st-rejected, .st-conflict, .st-failed { background:var(--badbg); color:var(--bad); border-color:#f0bcbe; }
.st-pending, .st-running { background:var(--warnbg); color:var(--warn); border-color:#f0d9a3; }
.flash { padding:10px 14px; border-radius:6px; margin:12px 0; border:1px solid; }
.flash.ok { background:var(--okbg); border-color:#b5dfc3; } .flash.error { background:var(--badbg); border-color:#f0bcbe; }
.flash.warning { background:var(--warnbg); border-color:#f0d9a3; } .flash ul { margin:6px 0 0; padding-left:20px; }
.panel { border:1px solid var(--line); border-radius:8px; padding:12px 16px; margin:12px 0; background:var(--soft); }
.panel form { display:flex; flex-wrap:wrap; gap:8px 14px; align-items:end; margin:6px 0; }
.panel label { display:flex; flex-direction:column; font-size:13px; color:var(--muted); }
.change { border:1px solid var(--line); border-left:5px solid #c9a227; border-radius:8px; padding:12px 16px; margin:14px 0; }
.change.s-approved, .change.s-applied { border-left-color:#2e9e5b; } .change.s-edited { border-left-color:#3b73d1; }
.change.s-rejected { border-left-color:#b0b4ba; opacity:.85; } .change.s-conflict { border-left-color:#c0262d; }
.change header { display:flex; gap:10px; align-items:baseline; flex-wrap:wrap; }
.change .meta { font-size:13px; color:var(--muted); }
.reason { margin:6px 0; }
.evidence { margin:6px 0; padding-left:20px; font-size:14px; } .evidence q { color:#333; }
details > summary { cursor:pointer; color:var(--accent); font-size:14px; margin:4px 0; }
pre.diff { background:#fbfbfc; border:1px solid var(--line); border-radius:6px; padding:8px 0; overflow:auto; max-height:460px; margin:8px 0; }
pre.diff span { display:block; padding:0 10px; white-space:pre-wrap; word-break:break-word; }
pre.diff .add { background:#e6f6ea; } pre.diff .del { background:#fde8e9; } pre.diff .hunk { color:#6b4fbb; background:#f3f0fb; }
pre.diff .file { color:var(--muted); }
pre.content { background:#fbfbfc; border:1px solid var(--line); border-radius:6px; padding:10px; white-space:pre-wrap; word-break:break-word; }
.actions { display:flex; flex-wrap:wrap; gap:8px; align-items:flex-start; margin-top:8px; }
.actions form { display:flex; gap:6px; align-items:center; }
.actions details { flex-basis:100%; }
.actions textarea { width:100%; min-height:220px; }
button { font:inherit; padding:5px 12px; border-radius:6px; border:1px solid #9aa0a8; background:#fff; cursor:pointer; }
button.primary { background:var(--accent); border-color:var(--accent); color:#fff; }
button:disabled { opacity:.45; cursor:not-allowed; }
form.panel { display:flex; flex-wrap:wrap; gap:8px 14px; align-items:end; }
form.panel label { display:flex; flex-direction:column; font-size:13px; color:var(--muted); }
h1 .mono, h1.mono { font-size:20px; }
button.approve { border-color:#2e9e5b; color:var(--ok); } button.reject { border-color:#c0262d; color:var(--bad); }
input, select, textarea { font:inherit; padding:4px 6px; border:1px solid #9aa0a8; border-radius:5px; }
.counts { display:flex; gap:8px; flex-wrap:wrap; margin:6px 0; }
ol.events { list-style:none; padding:0; } ol.events li { border-bottom:1px solid var(--line); padding:6px 0; display:grid; grid-template-columns:70px 150px 1fr; gap:10px; }
ol.events li.hl { background:#fff7d6; } ol.events li:target { outline:2px solid #f2a900; }
ol.events .body { white-space:pre-wrap; word-break:break-word; font-size:14px; max-height:320px; overflow:auto; }
ol.events .err { color:var(--bad); font-weight:600; }
figure.diffwrap { margin:0; }
.sr-only { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); }
form.stack { flex-direction:column; align-items:stretch; }
h2.first { margin-top:0; }
label.inline { flex-direction:row; gap:6px; align-items:center; } label.plain { color:inherit; }
a.kind-link { margin-right:14px; }
form.policy-grid { display:grid; grid-template-columns:repeat(auto-fit,minmax(240px,1fr)); gap:10px 18px; }
.full-row { grid-column:1/-1; } p.full-line { flex-basis:100%; margin:0; }
ol.plain-list { list-style:none; padding:0; } li.change.version { border-left-color:#8a8f98; }
`;

/** Where the page's stylesheet is served (a file, so the Content-Security-Policy needs no inline style). */
export const STYLESHEET_PATH = '/assets/review.css';

/** The page's stylesheet (served at {@link STYLESHEET_PATH}; no external assets, so it works offline). */
export const STYLESHEET = CSS;

/** Props of {@link Layout}. */
export interface LayoutProps {
  title: string;
  reviewer: string;
  /** Logins with API keys are on: show the key's name and a log-out button instead of the reviewer form. */
  login?: boolean;
  flash?: Flash | null;
  children?: Child;
}

/** The page frame: `<html>` with header, navigation, reviewer form, flash and `<main>`. */
export const Layout: FC<LayoutProps> = ({ title, reviewer, flash, login, children }) => (
  <>
    {raw('<!DOCTYPE html>')}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · reverie review`}</title>
        <link rel="stylesheet" href={STYLESHEET_PATH} />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <a class="brand" href="/dreams">
            reverie review
          </a>
          <nav aria-label="Main">
            <a href="/dreams">Dreams</a>
            <a href="/stores">Stores</a>
          </nav>
          {login ? (
            reviewer ? (
              <form method="post" action="/logout">
                <span>Reviewing as {reviewer}</span>
                <button type="submit">Log out</button>
              </form>
            ) : null
          ) : (
            <form method="post" action="/reviewer">
              <label for="reviewer-name">Reviewing as</label>
              <input id="reviewer-name" name="reviewer" value={reviewer} required maxlength={200} />
              <button type="submit">Set</button>
            </form>
          )}
        </header>
        <main id="main">
          {flash ? (
            <div class={`flash ${flash.kind}`} role={flash.kind === 'error' ? 'alert' : 'status'}>
              <strong>{flash.text}</strong>
              {flash.lines?.length ? (
                <ul>
                  {flash.lines.map((l) => (
                    <li>{l}</li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
          {children}
        </main>
      </body>
    </html>
  </>
);
