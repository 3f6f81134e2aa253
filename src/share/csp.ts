import { parseLink } from './link';

/**
 * Narrow the page's connect-src to this origin plus, when the page was opened from a dataset-URL
 * link, that dataset's origin. index.html's policy allows any http(s) origin because a static meta
 * policy cannot know the URL; a second policy added here intersects with it (policies only ever
 * narrow), so from now on the page can reach nothing else. Opening another dataset URL navigates to
 * its link, which starts a page with a policy for that origin.
 */
export function restrictConnections(search: string): string | null {
  let origin: string | null = null;
  try {
    const link = parseLink(search);
    if (link?.source.kind === 'url') origin = new URL(link.source.url).origin;
  } catch {
    // A malformed link gets the strictest policy; the app reports the link's problem itself.
  }
  const meta = document.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = `connect-src 'self'${origin ? ` ${origin}` : ''}`;
  document.head.append(meta);
  return origin;
}
