import { formatJson } from '../text/format-json.js';
import { SafeText } from './safe-text.js';

interface JsonViewProps {
  value: unknown;
  label: string;
}

/** Formatted JSON of attacker-controlled data, as text, with hidden characters made visible. */
export function JsonView({ value, label }: JsonViewProps) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable region must be reachable by keyboard
    <pre className="json-view" aria-label={label} tabIndex={0}>
      <SafeText text={formatJson(value)} multiline />
    </pre>
  );
}
