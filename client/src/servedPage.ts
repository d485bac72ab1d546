import { SERVED_PAGE_ID } from '@hybrid-stage/shared/vocabulary';
import type { ServedPage } from '@hybrid-stage/shared';

let read: Partial<ServedPage> | undefined;

/**
 * What the server wrote into this page (see `ServedPage`); empty under Vite's dev server, which
 * serves the page itself.
 */
export function servedPage(): Partial<ServedPage> {
  if (read) return read;
  try {
    read = JSON.parse(document.getElementById(SERVED_PAGE_ID)?.textContent ?? '{}') as Partial<ServedPage>;
  } catch {
    read = {};
  }
  return read;
}
