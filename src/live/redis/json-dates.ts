// JSON that keeps Dates: Job and LogEntry carry Date fields, which plain JSON would turn into
// strings on the way through Redis. A Date is written as {"$date": iso} and read back as a Date.
// So that no value from a backend (jobs carry free-form `parameters`, `outputs`, ...) can be
// mistaken for a tag, any single-key object whose key is `$date`, `$$date`, ... is escaped by one
// more `$` on the way in and unescaped on the way out.

const TAG = '$date';
const TAG_LIKE = /^\$+date$/;

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function soleKey(value: Record<string, unknown>): string | undefined {
  const keys = Object.keys(value);
  return keys.length === 1 ? keys[0] : undefined;
}

function replacer(this: unknown, key: string, value: unknown): unknown {
  // Date.prototype.toJSON has already run by the time a replacer sees `value`: look at the holder.
  const raw = (this as Record<string, unknown>)[key];
  if (raw instanceof Date) return { [TAG]: Number.isNaN(raw.getTime()) ? null : raw.toISOString() };
  if (isPlainRecord(value)) {
    const only = soleKey(value);
    if (only !== undefined && TAG_LIKE.test(only)) return { [`$${only}`]: value[only] };
  }
  return value;
}

// JSON.parse revives bottom-up, so each level is unescaped on its own and nothing is undone twice.
function reviver(_key: string, value: unknown): unknown {
  if (!isPlainRecord(value)) return value;
  const only = soleKey(value);
  if (only === undefined || !TAG_LIKE.test(only)) return value;
  const inner = value[only];
  if (only === TAG) {
    if (inner === null) return new Date(Number.NaN);
    if (typeof inner === 'string') return new Date(inner);
    return value;
  }
  return { [only.slice(1)]: inner };
}

export function stringifyWithDates(value: unknown): string {
  return JSON.stringify(value, replacer);
}

/** Throws as JSON.parse does on text that is not JSON. */
export function parseWithDates(text: string): unknown {
  return JSON.parse(text, reviver) as unknown;
}
