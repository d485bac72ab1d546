import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SERVED_PAGE_ID, type ServedPage } from '@hybrid-stage/shared';

/**
 * `html` (the built client's index.html) with `page` written into its head as a JSON block. `<` is
 * escaped, so nothing in the data can close the script element.
 */
export function withServedPage(html: string, page: ServedPage): string {
  const json = JSON.stringify(page).replace(/</g, '\\u003c');
  return html.replace('<head>', `<head>\n    <script type="application/json" id="${SERVED_PAGE_ID}">${json}</script>`);
}

/**
 * The app shell for every client-side route. index.html is read on each request: 1 KB, and a client
 * rebuilt while the server runs is served at once (the rebuild deletes the old hashed assets).
 */
export async function appShell(clientDir: string, page: ServedPage): Promise<string> {
  return withServedPage(await readFile(join(clientDir, 'index.html'), 'utf8'), page);
}
