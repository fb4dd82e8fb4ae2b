import { ChevronLeft, ChevronRight } from 'lucide-react';
import { PAGE_SIZES } from '../actions/action-filters.js';

interface PaginationProps {
  total: number;
  limit: number;
  offset: number;
  shown: number;
  onChange: (page: { limit: number; offset: number }) => void;
}

/** Server-side paging: "21–40 of 134", previous/next, page size. */
export function Pagination({ total, limit, offset, shown, onChange }: PaginationProps) {
  const first = shown === 0 ? 0 : offset + 1;
  const last = offset + shown;
  return (
    <nav className="pagination" aria-label="Pages">
      <span className="pagination-range" aria-live="polite">
        {shown === 0 ? `0 of ${total}` : `${first}–${last} of ${total}`}
      </span>
      <label className="page-size">
        <span>Rows</span>
        <select value={limit} onChange={(event) => onChange({ limit: Number(event.target.value), offset: 0 })}>
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="icon-button"
        disabled={offset === 0}
        onClick={() => onChange({ limit, offset: Math.max(0, offset - limit) })}
        aria-label="Previous page"
      >
        <ChevronLeft size={18} aria-hidden />
      </button>
      <button
        type="button"
        className="icon-button"
        disabled={offset + limit >= total}
        onClick={() => onChange({ limit, offset: offset + limit })}
        aria-label="Next page"
      >
        <ChevronRight size={18} aria-hidden />
      </button>
    </nav>
  );
}
