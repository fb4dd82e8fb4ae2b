import { useNow } from '../hooks/use-now.js';
import { formatAbsolute, formatRelative } from '../text/format-time.js';

/** "3 min ago", with the exact local time on hover and for screen readers' <time> element. */
export function RelativeTime({ iso }: { iso: string }) {
  const now = useNow(30_000);
  return (
    <time dateTime={iso} title={formatAbsolute(iso)}>
      {formatRelative(iso, now)}
    </time>
  );
}
