// CSV downloads of what a screen lists (RFC 4180: comma-separated, CRLF, fields quoted when they
// hold a comma, a quote or a line break), made in the browser from the API's own answers.

/** @param {unknown} value */
const field = (value) => {
  let text = value === null || value === undefined ? "" : String(value);
  // A cell starting with = + - @ is a formula to a spreadsheet: an SMS text must stay text (a
  // negative amount such as -0.16 is a number, and stays one).
  if (/^[=+@\t\r]/.test(text) || /^-(?![\d.]+$)/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** @param {unknown[][]} rows the first one is the header */
export const toCsv = (rows) => `${rows.map((r) => r.map(field).join(",")).join("\r\n")}\r\n`;

/**
 * Offers `rows` as a file download.
 * @param {string} filename
 * @param {unknown[][]} rows
 */
export const downloadCsv = (filename, rows) => {
  const url = URL.createObjectURL(new Blob([toCsv(rows)], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
};

/**
 * Every page of a cursor-paged list, up to `max` items.
 * @param {(cursor: string | null) => Promise<{ items: any[], nextCursor: string | null }>} fetchPage
 */
export const allPages = async (fetchPage, max = 5000) => {
  const items = [];
  let cursor = null;
  do {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
};
