// What grew between two V8 heap snapshots, by constructor (or node type for non-objects): count and
// self size, largest growth first. `per` divides the growth (per connection, per subscription).
//   npx tsx bench/lib/heap-diff.ts before.heapsnapshot after.heapsnapshot [per] [rows]
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

interface Tally {
  count: number;
  bytes: number;
}

function tally(path: string): Map<string, Tally> {
  const heap = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const out = new Map<string, Tally>();
  for (let i = 0; i < heap.nodes.length; i += width) {
    const type = types[heap.nodes[i + typeAt] ?? 0] ?? '?';
    const name = heap.strings[heap.nodes[i + nameAt] ?? 0] ?? '?';
    // Objects and closures by name; strings, arrays, code and the rest by kind (their names are contents).
    const label = type === 'object' || type === 'closure' ? `${type === 'closure' ? 'ƒ ' : ''}${name}` : `(${type}${type === 'hidden' || type === 'native' ? ` ${name}` : ''})`;
    const entry = out.get(label) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += heap.nodes[i + sizeAt] ?? 0;
    out.set(label, entry);
  }
  return out;
}

const [beforePath, afterPath, perText = '1', rowsText = '40'] = process.argv.slice(2);
if (!beforePath || !afterPath) throw new Error('usage: heap-diff.ts before.heapsnapshot after.heapsnapshot [per] [rows]');
const per = Number(perText);
const before = tally(beforePath);
const after = tally(afterPath);
const rows = [...after].map(([label, { count, bytes }]) => {
  const was = before.get(label) ?? { count: 0, bytes: 0 };
  return { label, count: (count - was.count) / per, bytes: (bytes - was.bytes) / per };
});
rows.sort((a, b) => b.bytes - a.bytes);
const total = rows.reduce((sum, row) => sum + row.bytes, 0);
process.stdout.write(`self-size growth per unit: ${total.toFixed(0)} B (÷${per})\n`);
for (const row of rows.slice(0, Number(rowsText))) {
  process.stdout.write(`${row.bytes.toFixed(0).padStart(8)} B  ${row.count.toFixed(2).padStart(8)}×  ${row.label}\n`);
}
