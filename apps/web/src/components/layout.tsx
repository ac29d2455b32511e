// The frame of every page: the top navigation (with an Admin menu, as Airflow's), who is signed
// in, whether live updates flow.
import { useEffect, useRef } from "react";
import { NavLink, Outlet, useLocation } from "react-router";
import { useMe } from "../api/queries.ts";
import { useLiveEvents } from "../live/live-events.ts";

const LINKS = [
  { to: "/dags", label: "DAGs" },
  { to: "/workers", label: "Workers" },
];

/** Airflow's Admin menu: Variables, Connections, Pools; Users sit there too (Airflow's Security menu). */
const ADMIN_LINKS = [
  { to: "/variables", label: "Variables" },
  { to: "/connections", label: "Connections" },
  { to: "/pools", label: "Pools" },
  { to: "/users", label: "Users" },
];

function AdminMenu() {
  const menu = useRef<HTMLDetailsElement>(null);
  const location = useLocation();
  // Close after a choice (a route change) and on a click anywhere else.
  useEffect(() => {
    if (menu.current) menu.current.open = false;
  }, [location.pathname]);
  useEffect(() => {
    const close = (e: MouseEvent) => {
      if (menu.current && !menu.current.contains(e.target as Node)) menu.current.open = false;
    };
    document.addEventListener("click", close);
    return () => document.removeEventListener("click", close);
  }, []);
  const active = ADMIN_LINKS.some((l) => location.pathname.startsWith(l.to));
  return (
    <details className="nav-menu" ref={menu} data-testid="admin-menu">
      <summary className={active ? "nav-link active" : "nav-link"}>Admin ▾</summary>
      <div className="nav-menu-items" role="menu">
        {ADMIN_LINKS.map((l) => (
          <NavLink key={l.to} to={l.to} role="menuitem" className={({ isActive }) => (isActive ? "nav-menu-item active" : "nav-menu-item")}>
            {l.label}
          </NavLink>
        ))}
      </div>
    </details>
  );
}

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
          <AdminMenu />
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
