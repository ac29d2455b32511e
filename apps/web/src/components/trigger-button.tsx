// The trigger button with its dialog; disabled (with a reason) for Viewers.
import { useState } from "react";
import { useCanAct } from "../lib/roles.ts";
import { TriggerDialog } from "./trigger-dialog.tsx";

export function TriggerButton({ dagId, compact = false }: { dagId: string; compact?: boolean }) {
  const canAct = useCanAct();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className={compact ? "btn btn-sm" : "btn btn-primary"}
        disabled={!canAct}
        title={canAct ? `Trigger a run of ${dagId}` : "Viewers cannot trigger runs"}
        onClick={() => setOpen(true)}
        data-testid={`trigger-${dagId}`}
        aria-label={`Trigger ${dagId}`}
      >
        ▶ {compact ? "" : "Trigger"}
      </button>
      {open && <TriggerDialog dagId={dagId} onClose={() => setOpen(false)} />}
    </>
  );
}
