import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

/** Every source file of the client, tests left out. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'locales' ? [] : sources(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.includes('.test.') ? [path] : [];
  });
}

// `@hybrid-stage/shared` builds the protocol's zod schemas when loaded; the browser needs none of
// them, and they would put zod into the watch page's first download.
it('imports run-time values from the shared vocabulary only, and types alone from the protocol', () => {
  const valueImports = sources(import.meta.dirname).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/^import (?!type )[^;]*from '@hybrid-stage\/shared';/gm)].map((m) => `${file}: ${m[0]}`),
  );
  expect(valueImports).toEqual([]);
});

// The client imports the permission rules at run time (to decide what to show): they must bring no zod with them.
it('loads nothing from the shared permissions at run time but the vocabulary', () => {
  const shared = join(import.meta.dirname, '..', '..', 'shared', 'src');
  const valueImports = [...readFileSync(join(shared, 'permissions.ts'), 'utf8').matchAll(/^import (?!type )[^;]*from '([^']+)';/gm)].map((m) => m[1]);
  expect(valueImports).toEqual(['./vocabulary']);
  expect(readFileSync(join(shared, 'vocabulary.ts'), 'utf8')).not.toMatch(/^import /m);
});
