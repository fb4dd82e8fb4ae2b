/**
 * The few pages single sign-on answers with when a browser can't be sent on to the dashboard:
 * plain HTML, no script and no style (the dashboard's strict CSP applies), every value escaped.
 */
export interface AuthPage {
  title: string;
  paragraphs: string[];
  /** A link back to where the person can try again. */
  link: { href: string; text: string };
}

export function renderAuthPage(page: AuthPage): string {
  const body = page.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · Faramesh</title></head>
<body><main><h1>${escapeHtml(page.title)}</h1>
${body}
<p><a href="${escapeHtml(page.link.href)}">${escapeHtml(page.link.text)}</a></p>
</main></body></html>`;
}

/** True when the client asked for a page (a browser navigation) rather than JSON. */
export function wantsHtml(accept: string | undefined): boolean {
  return accept !== undefined && /\btext\/html\b/i.test(accept);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
