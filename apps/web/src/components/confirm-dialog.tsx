// A modal that asks before an action changes state: what it does, optional choices, the error
// the API gave, and a confirm button that waits for the call.
import type { ReactNode } from "react";
import { ErrorBox } from "./common.tsx";

export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger = false,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <form
        className="modal"
        role="dialog"
        aria-label={title}
        onSubmit={(e) => {
          e.preventDefault();
          onConfirm();
        }}
      >
        <h2>{title}</h2>
        {children}
        {error ? <ErrorBox error={error} /> : null}
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={danger ? "btn btn-danger-solid" : "btn btn-primary"} disabled={pending} data-testid="confirm-action">
            {pending ? "Working…" : confirmLabel}
          </button>
        </div>
      </form>
    </div>
  );
}
