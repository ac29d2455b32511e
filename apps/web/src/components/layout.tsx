// The frame of every page: the top navigation, who is signed in, whether live updates flow.
import { NavLink, Outlet } from "react-router";
import { useMe } from "../api/queries.ts";
import { useLiveEvents } from "../live/live-events.ts";

const LINKS = [
  { to: "/dags", label: "DAGs" },
  { to: "/workers", label: "Workers" },
  { to: "/pools", label: "Pools" },
  { to: "/users", label: "Users" },
];

export function Layout() {
  const live = useLiveEvents();
  const me = useMe();
  return (
    <div className="app">
      <header className="topbar">
        <NavLink to="/dags" className="brand">
          <svg viewBox="0 0 32 32" width="26" height="26" aria-hidden="true">
            <rect width="32" height="32" rx="7" fill="#2f6fdf" />
            <path d="M8 21c4-1 6-5 8-10 2 5 4 9 8 10" stroke="white" strokeWidth="3" fill="none" strokeLinecap="round" />
          </svg>
          Updraft
        </NavLink>
        <nav className="nav">
          {LINKS.map((l) => (
            <NavLink key={l.to} to={l.to} className={({ isActive }) => (isActive ? "nav-link active" : "nav-link")}>
              {l.label}
            </NavLink>
          ))}
          <a className="nav-link" href="/api/v1/ui/">
            API docs
          </a>
        </nav>
        <div className="topbar-right">
          <span className={live ? "live on" : "live"} title={live ? "Live updates connected" : "Live updates reconnecting"} data-testid="live-indicator">
            <span className="live-dot" /> {live ? "Live" : "Offline"}
          </span>
          {me.data && (
            <span className="user" data-testid="current-user">
              {me.data.username} <span className="role">{me.data.role}</span>
            </span>
          )}
          <form method="post" action="/logout">
            <button type="submit" className="btn btn-ghost btn-sm">
              Log out
            </button>
          </form>
        </div>
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
