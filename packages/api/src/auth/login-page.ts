// The login form: one self-contained HTML page (inline CSS, no scripts, no external assets) so
// it works offline and under a strict Content-Security-Policy.

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Only same-site paths: a `next` such as `//evil.example` or `https://...` would be an open redirect. */
export function safeNext(next: string | undefined): string {
  if (next === undefined || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  return next;
}

export function renderLoginPage(options: { next?: string | undefined; error?: string | undefined; username?: string | undefined } = {}): string {
  const next = safeNext(options.next);
  const error = options.error === undefined ? "" : `<p class="error" role="alert">${escapeHtml(options.error)}</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Updraft</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f4f6fa; }
  main { width: min(22rem, 90vw); padding: 2rem; border-radius: 12px; background: #fff; box-shadow: 0 4px 24px rgba(20, 30, 60, 0.12); }
  h1 { margin: 0 0 1.5rem; font-size: 1.4rem; color: #1d3a6e; }
  label { display: block; margin: 0 0 0.3rem; font-size: 0.9rem; color: #445; }
  input { box-sizing: border-box; width: 100%; padding: 0.55rem 0.7rem; margin-bottom: 1rem; border: 1px solid #c5cbd8; border-radius: 6px; font-size: 1rem; }
  button { width: 100%; padding: 0.6rem; border: 0; border-radius: 6px; background: #2f6fdf; color: #fff; font-size: 1rem; cursor: pointer; }
  button:hover { background: #2159bd; }
  .error { margin: 0 0 1rem; padding: 0.6rem 0.7rem; border-radius: 6px; background: #fdecec; color: #9b1c1c; font-size: 0.9rem; }
  @media (prefers-color-scheme: dark) {
    body { background: #11151d; } main { background: #1b212c; } h1 { color: #9dbbf5; } label { color: #b8c0cf; }
    input { background: #11151d; color: #e6e9ef; border-color: #39424f; }
  }
</style>
</head>
<body>
<main>
  <h1>Sign in to Updraft</h1>
  ${error}
  <form method="post" action="/login">
    <input type="hidden" name="next" value="${escapeHtml(next)}">
    <label for="username">Username</label>
    <input id="username" name="username" autocomplete="username" required autofocus value="${escapeHtml(options.username ?? "")}">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <button type="submit">Sign in</button>
  </form>
</main>
</body>
</html>
`;
}
