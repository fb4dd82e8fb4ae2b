/**
 * Named settings the database keeps for every process that opens it (`store.settings`): small
 * values that all replicas and every restart must agree on, such as the id of the key that redacted
 * values were digested with. The store gives them no meaning (the server decides what a name holds);
 * it only makes each change a compare-and-set, so that of two processes changing the same name from
 * the same value at the same moment exactly one succeeds.
 */
export interface SettingRecord {
  name: string;
  value: string;
  /** When this value was written (given by the caller: the store has no clock). */
  set_at: string;
}

export interface SettingWrite {
  name: string;
  /** The value the caller read: the write happens only if it is still stored (null: none is). */
  expected: string | null;
  value: string;
  at: string;
}

export interface SettingsStore {
  /** The setting's stored value, or null when none was ever written. */
  get(name: string): Promise<SettingRecord | null>;
  /**
   * Writes `value` under `name` if the stored value is still `expected` (null: no row yet), in one
   * atomic step; true when it wrote. False changes nothing: read again to see what another process wrote.
   */
  compareAndSet(write: SettingWrite): Promise<boolean>;
}

/** The columns of the settings table, in insert order. */
export const SETTING_COLUMNS = ['name', 'value', 'set_at'] as const;
