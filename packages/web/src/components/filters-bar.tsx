import { RISK_LEVELS, STATUSES } from '@faramesh/contract';
import { ListFilter, Search, X } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { ActionFilters } from '../actions/action-filters.js';
import { RISK_LABELS, STATUS_LABELS } from '../actions/status-labels.js';
import { useMediaQuery } from '../hooks/use-media-query.js';

interface FiltersBarProps {
  filters: ActionFilters;
  onChange: (filters: ActionFilters) => void;
}

/** Search and filters; text fields apply after a short pause so typing doesn't flood the server. */
export function FiltersBar({ filters, onChange }: FiltersBarProps) {
  const [q, setQ] = useState(filters.q ?? '');
  const [agent, setAgent] = useState(filters.agent_id ?? '');
  const [tool, setTool] = useState(filters.tool ?? '');

  // Follow URL changes (back button, "clear filters").
  useEffect(() => setQ(filters.q ?? ''), [filters.q]);
  useEffect(() => setAgent(filters.agent_id ?? ''), [filters.agent_id]);
  useEffect(() => setTool(filters.tool ?? ''), [filters.tool]);

  useEffect(() => {
    const typed = { q: clean(q), agent_id: clean(agent), tool: clean(tool) };
    if (typed.q === filters.q && typed.agent_id === filters.agent_id && typed.tool === filters.tool) return;
    const timer = setTimeout(() => onChange({ ...filters, ...typed }), 300);
    return () => clearTimeout(timer);
  }, [q, agent, tool, filters, onChange]);

  const active = Object.values(filters).some((value) => value !== undefined);
  // On a phone the four field filters fold behind one button, so the list starts above the fold.
  const narrow = useMediaQuery('(max-width: 760px)');
  const [expanded, setExpanded] = useState(false);
  const fieldCount = [filters.status, filters.risk_level, filters.agent_id, filters.tool].filter(
    (v) => v !== undefined,
  ).length;
  const showFields = !narrow || expanded;
  return (
    <search className="filters" aria-label="Filter actions">
      <div className="filter filter-search">
        <label htmlFor="filter-q" className="visually-hidden">
          Search text in commands, URLs and other params, context, ids, agents, tools and operations
        </label>
        <Search size={16} aria-hidden className="filter-icon" />
        <input
          id="filter-q"
          type="search"
          placeholder="Search commands, URLs, params, ids, agents"
          value={q}
          onChange={(event) => setQ(event.target.value)}
          maxLength={256}
        />
      </div>
      {narrow && (
        <button
          type="button"
          className="button filters-toggle"
          aria-expanded={expanded}
          aria-controls="filter-fields"
          onClick={() => setExpanded((v) => !v)}
        >
          <ListFilter size={16} aria-hidden />
          Filters{fieldCount > 0 ? ` (${fieldCount})` : ''}
        </button>
      )}
      <label className="filter filter-awaiting">
        <input
          type="checkbox"
          checked={filters.awaiting === 'me'}
          onChange={(event) => onChange({ ...filters, awaiting: event.target.checked ? 'me' : undefined })}
        />
        Waiting for me
      </label>
      {showFields && (
        <div id="filter-fields" className="filter-fields">
          <SelectFilter
            id="filter-status"
            label="Status"
            value={filters.status}
            options={STATUSES}
            labels={STATUS_LABELS}
            onChange={(status) => onChange({ ...filters, status })}
          />
          <SelectFilter
            id="filter-risk"
            label="Risk"
            value={filters.risk_level}
            options={RISK_LEVELS}
            labels={RISK_LABELS}
            onChange={(risk_level) => onChange({ ...filters, risk_level })}
          />
          <div className="filter">
            <label htmlFor="filter-agent">Agent</label>
            <input
              id="filter-agent"
              value={agent}
              onChange={(event) => setAgent(event.target.value)}
              placeholder="agent id"
              maxLength={256}
            />
          </div>
          <div className="filter">
            <label htmlFor="filter-tool">Tool</label>
            <input
              id="filter-tool"
              value={tool}
              onChange={(event) => setTool(event.target.value)}
              placeholder="tool"
              maxLength={256}
            />
          </div>
        </div>
      )}
      {active && (
        <button type="button" className="button button-ghost" onClick={() => onChange({})}>
          <X size={16} aria-hidden />
          Clear
        </button>
      )}
    </search>
  );
}

function clean(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

interface SelectFilterProps<T extends string> {
  id: string;
  label: string;
  value: T | undefined;
  options: readonly T[];
  labels: Readonly<Record<T, string>>;
  onChange: (value: T | undefined) => void;
}

/** One labelled choice among fixed values, with "Any" for no filter. */
function SelectFilter<T extends string>({ id, label, value, options, labels, onChange }: SelectFilterProps<T>) {
  return (
    <div className="filter">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value ?? ''}
        onChange={(event) => onChange((event.target.value || undefined) as T | undefined)}
      >
        <option value="">Any</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {labels[option]}
          </option>
        ))}
      </select>
    </div>
  );
}
