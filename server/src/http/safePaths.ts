import type { RequestHandler } from 'express';

/** Whether a path, as decoded once or twice, could step out of a directory or confuse a file system. */
function unsafe(path: string): boolean {
  return /(^|[/\\])\.\.([/\\]|$)|\\|\0|[\u0001-\u001f\u007f]|\/\//.test(path);
}

/** `path` percent-decoded once, or undefined when it is not valid percent-encoding. */
function decoded(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

/**
 * Refuses, before any route or static file, a request whose path holds `..` segments, backslashes,
 * NUL or other control characters, or empty segments (`//`), also when percent-encoded once or
 * twice (`%2e%2e`, `%252e%252e`), and a path that is not valid percent-encoding: 400 INVALID_REQUEST.
 * The file routes check their names again; this is the one place that makes every route agree.
 */
export function refuseUnsafePaths(): RequestHandler {
  return (req, res, next) => {
    const raw = req.path;
    const once = decoded(raw);
    if (once === undefined) {
      res.status(400).json({ error: { code: 'INVALID_REQUEST', message: 'the path is not valid percent-encoding' } });
      return;
    }
    // A second decoding that fails leaves a literal "%" (harmless), unless an encoded dot, slash,
    // backslash or NUL is still there beside it.
    const twice = decoded(once);
    if (unsafe(raw) || unsafe(once) || (twice === undefined ? /%(2e|2f|5c|00)/i.test(once) : unsafe(twice))) {
      res.status(400).json({ error: { code: 'INVALID_REQUEST', message: 'the path holds "..", a backslash, a control character or an empty segment' } });
      return;
    }
    next();
  };
}

/** Whether a path names a file (an extension in its last segment, or under /assets/) rather than a page of the app. */
export function looksLikeFile(path: string): boolean {
  return path.startsWith('/assets/') || /\.[A-Za-z0-9]{1,8}$/.test(path);
}
