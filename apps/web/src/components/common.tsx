// Small building blocks every page uses: loading and error states, page headers, cards, tabs.
import type { ReactNode } from "react";
import { NavLink } from "react-router";

export function Loading({ what = "Loading" }: { what?: string }) {
  return <div className="muted padded">{what}…</div>;
}

export function ErrorBox({ error }: { error: unknown }) {
  return (
    <div className="alert alert-error" role="alert">
      {error instanceof Error ? error.message : String(error)}
    </div>
  );
}

export function PageHeader({ title, subtitle, actions, crumbs }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode; crumbs?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        {crumbs && <div className="crumbs">{crumbs}</div>}
        <h1>{title}</h1>
        {subtitle && <div className="subtitle">{subtitle}</div>}
      </div>
      {actions && <div className="actions">{actions}</div>}
    </header>
  );
}

export function Card({ title, children, actions, className }: { title?: ReactNode; children: ReactNode; actions?: ReactNode; className?: string }) {
  return (
    <section className={`card ${className ?? ""}`}>
      {(title || actions) && (
        <div className="card-head">
          {title && <h2>{title}</h2>}
          {actions}
        </div>
      )}
      <div className="card-body">{children}</div>
    </section>
  );
}

export function Tabs({ tabs }: { tabs: Array<{ to: string; label: string; end?: boolean }> }) {
  return (
    <nav className="tabs" role="tablist">
      {tabs.map((t) => (
        <NavLink key={t.to} to={t.to} end={t.end ?? true} role="tab" className={({ isActive }) => (isActive ? "tab active" : "tab")}>
          {t.label}
        </NavLink>
      ))}
    </nav>
  );
}

export function Stat({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
    </div>
  );
}

export function JsonView({ value }: { value: unknown }) {
  return <pre className="code">{JSON.stringify(value, null, 2)}</pre>;
}
