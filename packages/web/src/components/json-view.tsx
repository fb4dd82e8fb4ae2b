import { formatJson } from '../text/format-json.js';
import { SafeText } from './safe-text.js';

interface JsonViewProps {
  value: unknown;
  label: string;
}

/** Formatted JSON of attacker-controlled data, as text, with hidden characters made visible. */
export function JsonView({ value, label }: JsonViewProps) {
  return (
    // A labelled region: the block scrolls, so it must be reachable (and named) for keyboard users.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable region must be reachable by keyboard
    // biome-ignore lint/a11y/useSemanticElements: <pre> keeps the whitespace; the role gives it a name
    <pre className="json-view" role="region" aria-label={label} tabIndex={0}>
      <SafeText text={formatJson(value)} multiline />
    </pre>
  );
}
