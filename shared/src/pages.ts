/**
 * The web app's pages, as the client's router knows them (client/src/App.tsx and the exhibition's
 * own routes). The server serves the app shell for any path, so a mistyped link still gets the
 * app's "page not found" in the visitor's language; with this list it also answers such a path
 * with status 404, as a real site does (link checkers, crawlers and logs see the dead link).
 * `:name` stands for one non-empty path segment.
 */
export const APP_PAGES = [
  '/',
  '/channel/:channelId',
  '/kiosk/:channelId',
  '/agenda',
  '/exhibition',
  '/exhibition/hq',
  '/cinema',
  '/console',
  '/desk/:channelId/:language',
  '/studio/:studioId',
  '/admin',
] as const;

/** Whether the client's router has a page at `pathname` (as the router, ignoring case and a trailing slash). */
export function isAppPage(pathname: string): boolean {
  const segments = pathname.split('/').filter(Boolean);
  return APP_PAGES.some((page) => {
    const pattern = page.split('/').filter(Boolean);
    return pattern.length === segments.length && pattern.every((part, i) => part.startsWith(':') || part === segments[i]!.toLowerCase());
  });
}
