/** Marks actions seeded by `--demo`, so nobody approves sample data thinking it is real. */
export function DemoBadge() {
  return (
    <span className="badge demo-badge" title="Demo data seeded by faramesh serve --demo">
      Demo
    </span>
  );
}
