// A length of time as clients give it ({hours, minutes, seconds}), read as seconds.
import { z } from 'zod';

export const MAX_DURATION_HOURS = 10_000;

const part = z.number().int('must be a whole number').min(0, 'must not be negative').nullish().transform((value) => value ?? 0);

/** `DurationInput`: parts default to 0, each ≥ 0; the total is what counts, in seconds. */
export const durationSchema = z
  .object({ hours: part, minutes: part, seconds: part })
  .superRefine((duration, ctx) => {
    const parts = [duration.hours, duration.minutes, duration.seconds];
    // A bad part already has its own issue; a total of bad parts would only repeat it.
    if (!parts.every((value) => Number.isInteger(value) && value >= 0)) return;
    const total = toSeconds(duration);
    if (total <= 0) ctx.addIssue({ code: 'custom', message: 'must be longer than zero' });
    if (total > MAX_DURATION_HOURS * 3_600) ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_DURATION_HOURS} hours` });
  })
  .transform(toSeconds);

function toSeconds(duration: { hours: number; minutes: number; seconds: number }): number {
  return duration.hours * 3_600 + duration.minutes * 60 + duration.seconds;
}
