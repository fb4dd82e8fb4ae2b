import type { Action } from '@faramesh/contract';
import { useCallback, useMemo, useRef, useState } from 'react';
import { type ActionFilters, filtersFromSearch, PAGE_SIZES, writeFilters } from '../actions/action-filters.js';
import { useSession } from '../auth/session-context.js';
import { ActionCards } from '../components/action-cards.js';
import { ActionDrawer } from '../components/action-drawer.js';
import { ActionTable } from '../components/action-table.js';
import { EmptyState } from '../components/empty-state.js';
import { FiltersBar } from '../components/filters-bar.js';
import { OpenReviewsBanner } from '../components/open-reviews-banner.js';
import { Pagination } from '../components/pagination.js';
import { useActionPage } from '../hooks/use-action-page.js';
import { useKeyboardShortcuts } from '../hooks/use-keyboard-shortcuts.js';
import { useMediaQuery } from '../hooks/use-media-query.js';
import { updateSearch, useSearch } from '../routing/location-store.js';

interface ActionsPageProps {
  helpOpen: boolean;
}

/** The approver's main screen: live table (cards on a phone), filters, paging, and the detail drawer. */
export function ActionsPage({ helpOpen }: ActionsPageProps) {
  const { api } = useSession();
  const search = useSearch();
  const params = useMemo(() => new URLSearchParams(search), [search]);
  const filters = useMemo(() => filtersFromSearch(search), [search]);
  const limit = pageSize(params.get('limit'));
  const offset = Math.max(0, Math.floor(Number(params.get('offset')) || 0));
  const openId = params.get('action');
  const page = useActionPage(filters, limit, offset);
  const narrow = useMediaQuery('(max-width: 760px)');
  const [selectedId, setSelectedId] = useState<string | null>(openId);
  const [notice, setNotice] = useState<string | null>(null);
  const lastOpened = useRef<string | null>(null);

  const setFilters = useCallback((next: ActionFilters) => {
    updateSearch(
      (p) => {
        writeFilters(p, next);
        p.delete('offset');
      },
      { replace: true },
    );
  }, []);

  const open = useCallback(
    (id: string) => {
      setSelectedId(id);
      setNotice(null);
      lastOpened.current = id;
      updateSearch((p) => p.set('action', id), { replace: openId !== null });
    },
    [openId],
  );

  const close = useCallback(() => updateSearch((p) => p.delete('action'), { replace: true }), []);

  const step = useCallback(
    (direction: 1 | -1) => {
      const items = page.items;
      if (items.length === 0) return;
      const current = items.findIndex((item) => item.id === (openId ?? selectedId));
      const next = items[current === -1 ? 0 : Math.min(items.length - 1, Math.max(0, current + direction))];
      if (next === undefined) return;
      if (openId !== null) open(next.id);
      else {
        setSelectedId(next.id);
        document.querySelector<HTMLElement>(`[data-row-open="${CSS.escape(next.id)}"]`)?.focus();
      }
    },
    [page.items, openId, selectedId, open],
  );

  const nextPending = useCallback(async () => {
    const items = page.items;
    const from = items.findIndex((item) => item.id === (openId ?? selectedId));
    const ordered = [...items.slice(from + 1), ...items.slice(0, Math.max(0, from + 1))];
    const local = ordered.find((item) => item.status === 'pending_approval' && item.id !== openId);
    if (local !== undefined) return open(local.id);
    try {
      const list = await api.listActions({ status: 'pending_approval', limit: 2, offset: 0 });
      const remote = list.items.find((item) => item.id !== openId);
      if (remote !== undefined) return open(remote.id);
      setNotice('No other action is waiting for approval.');
    } catch (error) {
      setNotice(error instanceof Error ? error.message : String(error));
    }
  }, [api, page.items, openId, selectedId, open]);

  useKeyboardShortcuts(
    {
      j: () => step(1),
      arrowdown: () => openId === null && step(1),
      k: () => step(-1),
      arrowup: () => openId === null && step(-1),
      n: () => void nextPending(),
      enter: () => {
        if (openId === null && selectedId !== null && document.activeElement === document.body) open(selectedId);
      },
      '/': () => document.getElementById('filter-q')?.focus(),
      p: () =>
        setFilters({ ...filters, status: filters.status === 'pending_approval' ? undefined : 'pending_approval' }),
    },
    !helpOpen,
  );

  const restoreFocus = useCallback(() => {
    const id = lastOpened.current ?? openId;
    return id === null ? null : document.querySelector<HTMLElement>(`[data-row-open="${CSS.escape(id)}"]`);
  }, [openId]);

  const seed: Action | undefined = page.items.find((item) => item.id === openId);
  const filtered = Object.values(filters).some((value) => value !== undefined);
  const List = narrow ? ActionCards : ActionTable;

  return (
    <main className="page actions-page" id="main">
      <div className="page-head">
        <h1 className="page-title">Actions</h1>
        <button
          type="button"
          className={filters.status === 'pending_approval' ? 'chip chip-active' : 'chip'}
          aria-pressed={filters.status === 'pending_approval'}
          onClick={() =>
            setFilters({ ...filters, status: filters.status === 'pending_approval' ? undefined : 'pending_approval' })
          }
        >
          Pending only
        </button>
      </div>
      <OpenReviewsBanner onOpen={open} />
      <FiltersBar filters={filters} onChange={setFilters} />
      {notice !== null && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {page.newElsewhere > 0 && (
        <button type="button" className="new-banner" onClick={() => updateSearch((p) => p.delete('offset'))}>
          {page.newElsewhere} new action{page.newElsewhere === 1 ? '' : 's'} on the first page — show
        </button>
      )}
      {page.error !== null && (
        <div className="error-banner" role="alert">
          <p>Could not load actions: {page.error}</p>
          <button type="button" className="button" onClick={page.refresh}>
            Retry
          </button>
        </div>
      )}
      <div className="list-region" aria-busy={page.loading}>
        {page.items.length === 0 && !page.loading && page.error === null ? (
          <EmptyState filtered={filtered || offset > 0} onClear={() => setFilters({})} />
        ) : (
          <List items={page.items} selectedId={openId ?? selectedId} onOpen={open} />
        )}
      </div>
      <Pagination
        total={page.total}
        limit={limit}
        offset={offset}
        shown={page.items.length}
        onChange={(next) =>
          updateSearch((p) => {
            p.set('limit', String(next.limit));
            if (next.offset === 0) p.delete('offset');
            else p.set('offset', String(next.offset));
          })
        }
      />
      {openId !== null && (
        <ActionDrawer
          id={openId}
          seed={seed}
          onClose={close}
          onStep={step}
          onNextPending={() => void nextPending()}
          restoreFocus={restoreFocus}
        />
      )}
    </main>
  );
}

function pageSize(raw: string | null): number {
  const n = Number(raw);
  return (PAGE_SIZES as readonly number[]).includes(n) ? n : PAGE_SIZES[0];
}
