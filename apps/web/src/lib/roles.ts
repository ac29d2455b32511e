// Whether the signed-in user may act. Only for showing buttons: the API's 403 is the real guard.
import { useMe } from "../api/queries.ts";

export function useCanAct(): boolean {
  const me = useMe();
  return me.data?.role === "Op" || me.data?.role === "Admin";
}

export function useIsAdmin(): boolean {
  return useMe().data?.role === "Admin";
}
