import { MAX_DURATION_HOURS } from '../mutations/duration.js';
import { builder } from './builder.js';

export const DurationInputRef = builder.inputType('DurationInput', {
  description: `A length of time. The parts add up (\`{hours: 1, minutes: 90}\` is two and a half hours); the total must be more than zero and at most ${MAX_DURATION_HOURS} hours.`,
  fields: (t) => ({
    hours: t.int({ required: false, defaultValue: 0, description: 'Hours (0 or more).' }),
    minutes: t.int({ required: false, defaultValue: 0, description: 'Minutes (0 or more; 60 and above carry into hours).' }),
    seconds: t.int({ required: false, defaultValue: 0, description: 'Seconds (0 or more; 60 and above carry into minutes).' }),
  }),
});
