import { codePointLabel, codePointName, revealInvisible } from '@faramesh/contract';

interface SafeTextProps {
  text: string;
  /** Keep line feeds as line breaks (multi-line reasons); otherwise they show as markers too. */
  multiline?: boolean;
  className?: string;
}

/**
 * Renders agent-controlled text as React text nodes only, with every invisible, control or
 * bidirectional character replaced by a visible `⟨U+202E⟩` marker, so an approver sees exactly
 * what was sent: nothing hidden, nothing reordered.
 */
export function SafeText({ text, multiline = false, className }: SafeTextProps) {
  const pieces = revealInvisible(text, { allowNewlines: multiline });
  return (
    <span className={className === undefined ? 'safe-text' : `safe-text ${className}`}>
      {pieces.map((piece, i) =>
        piece.kind === 'text' ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: pieces are positional and never reordered
          <span key={i}>{piece.text}</span>
        ) : (
          <span
            // biome-ignore lint/suspicious/noArrayIndexKey: pieces are positional and never reordered
            key={i}
            className="hidden-char"
            title={`Hidden character ${codePointLabel(piece.codePoint)} ${codePointName(piece.codePoint)}`}
          >
            ⟨{codePointLabel(piece.codePoint)}⟩
          </span>
        ),
      )}
    </span>
  );
}
