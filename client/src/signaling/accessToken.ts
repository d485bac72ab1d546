const STORAGE_KEY = 'hybrid-stage.token';

/**
 * The access token of this tab: taken from an invite link's `?token=` (and removed from the address
 * bar so it is not shared by copying the URL), then kept for the tab's lifetime in sessionStorage.
 */
export function takeAccessToken(): string | undefined {
  const url = new URL(window.location.href);
  const fromLink = url.searchParams.get('token');
  if (fromLink) {
    sessionStorage.setItem(STORAGE_KEY, fromLink);
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url);
    return fromLink;
  }
  return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
}

/** Forgets the tab's token (after the server refused it). */
export function forgetAccessToken(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** The tab's token, if it has one (for HTTP requests that need it as a bearer token). */
export function currentAccessToken(): string | undefined {
  return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
}
