/** What the service worker may cache: our own origin's shell and assets, never the API. */
export function isCacheable(url: URL, origin: string): boolean {
  if (url.origin !== origin) return false;
  const p = url.pathname;
  return !(p === '/api' || p.startsWith('/api/') || p === '/docs' || p.startsWith('/docs/'));
}
