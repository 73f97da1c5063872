// The promised answer time of a ticket: a number of business hours (Monday to Friday, UTC) after it
// was opened, so a ticket opened on Friday evening is not overdue on Sunday.
const HOUR_MS = 60 * 60 * 1000;

const isBusinessDay = (ms: number) => {
  const day = new Date(ms).getUTCDay();
  return day !== 0 && day !== 6;
};

export const addBusinessHours = (start: number, hours: number): number => {
  let at = start;
  let left = hours;
  while (left > 0) {
    at += HOUR_MS;
    // Each hour that ends on a business day counts.
    if (isBusinessDay(at - 1)) left--;
  }
  return at;
};
