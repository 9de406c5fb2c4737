export interface HookChange {
  manager: string;
  /** The file written or edited. */
  path: string;
  changed: boolean;
  /** `chained` (an existing hook now runs first), `restored` (it is back), or what to run next. */
  note?: string;
}
