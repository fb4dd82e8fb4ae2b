import { parseTimestamp } from '@faramesh/contract';
import { ApiError } from '../http/api-error.js';

/** An action id as the cursor carries it: visible ASCII only (ids are UUIDs; no NUL reaches SQL). */
const CURSOR_ID = /^[\x21-\x7e]{1,64}$/;

interface CursorPosition {
  created_at: string;
  id: string;
}

/** Keyset cursors are opaque to clients: base64url of the last row's ordering key. */
export function encodeCursor(row: CursorPosition): string {
  return Buffer.from(JSON.stringify([row.created_at, row.id])).toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      CURSOR_ID.test(value[1]) &&
      // Exactly the ISO text the server wrote: the stores compare created_at as text.
      parseTimestamp(value[0]) === value[0]
    ) {
      return { created_at: value[0], id: value[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw new ApiError('invalid_cursor', 'the cursor is not one this server issued');
}
