/** Made formatters by locale and options: building an Intl.DateTimeFormat costs far more than using one. */
const made = new Map<string, Intl.DateTimeFormat>();

/** An Intl.DateTimeFormat for `locale` and `options`, made once and kept. */
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale} ${JSON.stringify(options)}`;
  let format = made.get(key);
  if (!format) made.set(key, (format = new Intl.DateTimeFormat(locale, options)));
  return format;
}
