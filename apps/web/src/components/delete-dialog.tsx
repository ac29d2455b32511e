// "Delete <what> <name>?": asks, calls the API's DELETE, then refreshes the list it was on. Used
// by the admin pages (variables, connections, pools).
import { useMutation, useQueryClient, type QueryKey } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ConfirmDialog } from "./confirm-dialog.tsx";

export function DeleteDialog({
  what,
  name,
  remove,
  listKey,
  children,
  onClose,
}: {
  /** What is deleted, for the title and button: "variable", "pool". */
  what: string;
  name: string;
  remove: () => Promise<unknown>;
  /** The query to refresh once it is gone. */
  listKey: QueryKey;
  /** What deleting it means for tasks. */
  children: ReactNode;
  onClose: () => void;
}) {
  const client = useQueryClient();
  const mutation = useMutation({
    mutationFn: remove,
    onSuccess: async () => {
      onClose();
      await client.invalidateQueries({ queryKey: listKey });
    },
  });
  return (
    <ConfirmDialog title={`Delete ${what} ${name}?`} confirmLabel={`Delete ${what}`} danger pending={mutation.isPending} error={mutation.error} onConfirm={() => mutation.mutate()} onClose={onClose}>
      {children}
    </ConfirmDialog>
  );
}
