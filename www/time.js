// Times for people: the API's times are UTC (its answers end in `Z`; the times it is sent,
// `YYYY-MM-DD HH:MM:SS`, are read the same way). The page shows them in the browser's zone,
// with the zone named, and says how an entered date is sent.

/** The browser's time zone, e.g. "America/New_York". */
export const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

const pad = (n) => String(n).padStart(2, "0");

/** A Date from the API's time text (ISO, `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DD`, UTC), or null. */
export function parseApiTime(value) {
  if (!value) return null;
  const text = String(value).trim().replace(" ", "T");
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : /(Z|[+-]\d\d:?\d\d)$/i.test(text) ? text : `${text}Z`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "2026-11-30 10:30:00 EST": the time in the browser's zone, named; other text as it is. */
export function formatTime(value) {
  const date = parseApiTime(value);
  if (!date) return value ? String(value) : "";
  const zone = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" }).formatToParts(date).find((p) => p.type === "timeZoneName")?.value ?? ZONE;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${zone}`;
}

/** How an entered date goes to the API: "Sent as 2031-12-31 00:00:00 UTC (… here)." */
export function sentForm(value) {
  const date = parseApiTime(value);
  if (!date) return "";
  return `Sent as ${date.toISOString().slice(0, 19).replace("T", " ")} UTC (${formatTime(value)} here).`;
}

/** Whether the API time `value` has passed. */
export const hasPassed = (value) => (parseApiTime(value) ?? Infinity) <= new Date();
