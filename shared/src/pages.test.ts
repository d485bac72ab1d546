import { describe, expect, it } from 'vitest';
import { isAppPage } from './pages';

describe('isAppPage', () => {
  it("knows the client's pages, with their parameters and an optional trailing slash", () => {
    for (const path of ['/', '/channel/main', '/kiosk/hall-b', '/agenda', '/agenda/', '/exhibition', '/exhibition/hq', '/cinema', '/console', '/desk/main/ja', '/studio/moscow', '/admin', '/Admin']) {
      expect(isAppPage(path), path).toBe(true);
    }
  });

  it('does not know other paths, under known sections or not', () => {
    for (const path of ['/nothing-here', '/exhibition/nothing-here', '/channel', '/channel/main/extra', '/desk/main', '/agenda/2026']) {
      expect(isAppPage(path), path).toBe(false);
    }
  });
});
