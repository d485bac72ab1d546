import type { Request, Response } from 'express';
import { expect, it } from 'vitest';
import { refuseUnsafePaths } from './safePaths';

/** The status the guard answers `path` with, or 'next' when it lets it through. */
function guard(path: string): number | 'next' {
  let status: number | 'next' = 'next';
  const res = { status: (s: number) => ((status = s), { json: () => undefined }) } as unknown as Response;
  refuseUnsafePaths()({ path } as Request, res, () => undefined);
  return status;
}

it('refuses traversal encoded once or twice, also when a stray per cent sign breaks the second decoding', () => {
  expect(guard('/assets/app.js')).toBe('next');
  expect(guard('/channel/main')).toBe('next');
  expect(guard('/api/films/100%25')).toBe('next');
  for (const path of ['/a/../b', '/a/%2e%2e/b', '/a/%252e%252e/b', '/a/%252e%252e/%25zz', '/a/%255c/%25zz', '/a\\b', '/a/%00', '/a//b']) {
    expect(guard(path), path).toBe(400);
  }
  expect(guard('/a/%zz')).toBe(400);
});
