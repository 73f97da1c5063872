// Money is integer minor units everywhere inside; decimals appear only at the edges.
export const toDecimalString = (minor: number): string => {
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
};

/** "1.5" → 150; rejects more than two decimals. Returns null for anything that is not an amount. */
export const parseDecimal = (text: string): number | null => {
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
};
