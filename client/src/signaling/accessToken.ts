const STORAGE_KEY = 'hybrid-stage.token';
/** A registered viewer's token: kept across visits (localStorage), so the form is not asked again. */
const VIEWER_KEY = 'hybrid-stage.viewerToken';

/**
 * The access token of this tab: taken from an invite link's `?token=` (and removed from the address
 * bar so it is not shared by copying the URL), then kept for the tab's lifetime in sessionStorage;
 * without one, the viewer token this browser got by registering, if any.
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
  return currentAccessToken();
}

/** Keeps the viewer token a registration gave, for this and later visits. */
export function keepViewerToken(token: string): void {
  localStorage.setItem(VIEWER_KEY, token);
}

/** The token this browser got by registering, if any. */
export function viewerToken(): string | undefined {
  return localStorage.getItem(VIEWER_KEY) ?? undefined;
}

/** Forgets the tab's token and the registered viewer's (after the server refused it). */
export function forgetAccessToken(): void {
  sessionStorage.removeItem(STORAGE_KEY);
  localStorage.removeItem(VIEWER_KEY);
}

/** The tab's token, if it has one (for HTTP requests that need it as a bearer token). */
export function currentAccessToken(): string | undefined {
  return sessionStorage.getItem(STORAGE_KEY) ?? localStorage.getItem(VIEWER_KEY) ?? undefined;
}
