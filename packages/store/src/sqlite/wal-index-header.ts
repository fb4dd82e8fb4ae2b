import { closeSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';

/**
 * The WAL's progress as the wal-index header in the `-shm` file shows it (sqlite.org/walformat.html,
 * "The WAL-Index Header"): the `frames` in the WAL since it last restarted (mxFrame) and how many of
 * them checkpoints have copied into the database file (nBackfill). Read without SQLite's locks, so a
 * reading may be torn or stale: it only decides WHEN to checkpoint, never what is durable.
 */
export interface WalProgress {
  frames: number;
  backfilled: number;
}

// Two copies of the 48-byte WalIndexHdr, then the WalCkptInfo; integers in the host's byte order.
const HEADER_BYTES = 136;
const MX_FRAME = 16;
const N_BACKFILL = 96;

/** Reads WalProgress from a database's `-shm` file; null while the file is missing or short. */
export function walIndexReader(location: string): { read: () => WalProgress | null; close: () => void } {
  const header = Buffer.alloc(HEADER_BYTES);
  const little = endianness() === 'LE';
  const u32 = (offset: number) => (little ? header.readUInt32LE(offset) : header.readUInt32BE(offset));
  let fd: number | null = null;
  return {
    read() {
      try {
        fd ??= openSync(`${location}-shm`, 'r');
        if (readSync(fd, header, 0, HEADER_BYTES, 0) < HEADER_BYTES) return null;
      } catch {
        return null;
      }
      return { frames: u32(MX_FRAME), backfilled: u32(N_BACKFILL) };
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
