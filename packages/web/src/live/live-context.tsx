import type { Action, ActionEvent } from '@faramesh/contract';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { useSession } from '../auth/session-context.js';
import { type ConnectionState, type LiveStream, openLiveStream } from './live-stream.js';

/** One change to one action: from the SSE stream (with its ledger event) or from our own request. */
export interface ActionUpdate {
  action: Action;
  event: ActionEvent | null;
}

type Listener = (update: ActionUpdate) => void;

interface LiveValue {
  connection: ConnectionState;
  subscribe: (listener: Listener) => () => void;
  /** Applies the answer of our own approve/deny at once, before its SSE frame arrives. */
  publish: (action: Action) => void;
  reconnectNow: () => void;
  /** Bumped after every (re)connection, so views can refetch what a gap may have changed. */
  epoch: number;
}

const LiveContext = createContext<LiveValue | null>(null);

/** One SSE connection for the whole page, shared by the table, the drawer and the header. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const { api } = useSession();
  const [connection, setConnection] = useState<ConnectionState>({ status: 'connecting' });
  const [epoch, setEpoch] = useState(0);
  const listeners = useRef(new Set<Listener>());
  const stream = useRef<LiveStream | null>(null);

  const emit = useCallback((update: ActionUpdate) => {
    for (const listener of listeners.current) listener(update);
  }, []);

  useEffect(() => {
    let wasLive = false;
    const live = openLiveStream({
      http: api.http,
      onFrame: (frame) => emit({ action: frame.action, event: frame.event }),
      onState: (state) => {
        setConnection(state);
        if (state.status === 'live') {
          if (wasLive) setEpoch((n) => n + 1);
          wasLive = true;
        }
      },
    });
    stream.current = live;
    const online = () => live.reconnectNow();
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('online', online);
      live.close();
      stream.current = null;
    };
  }, [api, emit]);

  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  const publish = useCallback((action: Action) => emit({ action, event: null }), [emit]);
  const reconnectNow = useCallback(() => stream.current?.reconnectNow(), []);

  const value = useMemo<LiveValue>(
    () => ({ connection, epoch, subscribe, publish, reconnectNow }),
    [connection, epoch, subscribe, publish, reconnectNow],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveValue {
  const value = useContext(LiveContext);
  if (value === null) throw new Error('useLive outside LiveProvider');
  return value;
}

/** Calls `listener` for every action update while mounted (the latest listener, without resubscribing). */
export function useActionUpdates(listener: Listener): void {
  const { subscribe } = useLive();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => subscribe((update) => latest.current(update)), [subscribe]);
}
