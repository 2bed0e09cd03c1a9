export interface TimeOfDay {
  hour: number;
  minute: number;
}

// ASCII digits only: the original's pattern is applied to config strings, where \d beyond ASCII
// would only let through values no operator types.
const HHMM = /^(\d{1,2}):(\d{2})$/;

/** parse_time_hhmm (§8.2): "09h00", "9h00", "12H30", "23:59" are valid; anything else is "not set". */
export function parseTimeHhmm(value: string | undefined | null): TimeOfDay | null {
  if (value == null) return null;
  const m = HHMM.exec(value.trim().toLowerCase().replace(/h/g, ':'));
  if (!m) return null;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  if (hour > 23 || minute > 59) return null;
  return { hour, minute };
}
