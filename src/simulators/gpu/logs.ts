// A job run's container output, as a function of the clock: the same seed and instant always give
// the same text, and the text only grows while the run is running.
import { Random } from '../common/random.js';
import type { WorkloadKind } from './catalog.js';

export interface RunLogContext {
  kind: WorkloadKind;
  imageRef: string;
  imageSizeBytes: number;
  gpuLabel: string;
  hostname: string;
  ports: readonly number[];
}

export interface RunEnding {
  at: number;
  outcome: 'COMPLETED' | 'FAILED' | 'CANCELLED';
  exitCode: number | null;
  /** What the program printed last before failing. */
  lastLine: string | null;
  timeoutMs: number | null;
}

interface Line {
  offset: number;
  text: string;
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

function clockText(ms: number): { date: string; time: string; monthDay: string; millis: string; micros: string } {
  const d = new Date(ms);
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
    monthDay: `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    millis: pad(d.getUTCMilliseconds(), 3),
    micros: `${pad(d.getUTCMilliseconds(), 3)}${pad((ms * 7) % 1000, 3)}`,
  };
}

/** The first lines come every 5 s; later ones ever more sparsely, so a run of days stays a few hundred lines. */
function nextOffset(offset: number): number {
  return offset + Math.max(5_000, Math.round(offset / 40));
}

export class RunLog {
  private readonly random: Random;
  private readonly lines: Line[] = [];
  private nextAt = 5_000;
  private step = 0;

  constructor(
    private readonly context: RunLogContext,
    private readonly startedAt: number,
    seed: string,
  ) {
    this.random = new Random(seed);
    this.lines.push(...this.header());
  }

  /** Everything the run has written by `now` (empty before it started). */
  text(now: number, ending: RunEnding | null): string {
    if (now < this.startedAt) return '';
    const until = Math.min(now, ending?.at ?? Number.POSITIVE_INFINITY) - this.startedAt;
    while (this.nextAt <= until) {
      this.lines.push({ offset: this.nextAt, text: this.progress(this.startedAt + this.nextAt) });
      this.nextAt = nextOffset(this.nextAt);
    }
    let out = '';
    for (const line of this.lines) {
      if (line.offset > until) break;
      out += `${line.text}\n`;
    }
    if (ending && now >= ending.at) for (const line of this.footer(ending)) out += `${line}\n`;
    return out;
  }

  private header(): Line[] {
    const { imageRef, imageSizeBytes, gpuLabel, hostname, kind, ports } = this.context;
    const at = (offset: number) => clockText(this.startedAt + offset);
    const lines: Line[] = [
      { offset: 0, text: `[dispersed] Starting container from ${imageRef} (${(imageSizeBytes / 1e9).toFixed(1)} GB)` },
      { offset: 300, text: `[dispersed] Node ${hostname}: ${gpuLabel}` },
    ];
    const t = at(1_500);
    const startup: Record<WorkloadKind, string> = {
      train: `[${t.date} ${t.time}] torch.distributed: world_size=1, mixed precision bf16, data loaded (48,213 samples)`,
      serve: `INFO ${t.monthDay} ${t.time} api_server.py:712] vLLM API server listening on http://0.0.0.0:${ports[0] ?? 8000}`,
      triton: `I${t.monthDay.replace('-', '')} ${t.time}.${t.micros} 1 server.cc:674] successfully loaded 'ensemble' version 1`,
      notebook: `[I ${t.date} ${t.time}.${t.millis} ServerApp] Jupyter Server 2.14.2 is running at: http://0.0.0.0:${ports[0] ?? 8888}/lab`,
      batch: `[${t.date} ${t.time}] queued 20,480 items from /workspace/input`,
    };
    lines.push({ offset: 1_500, text: startup[kind] });
    return lines;
  }

  private progress(at: number): string {
    const r = this.random;
    const t = clockText(at);
    this.step += r.int(40, 120);
    switch (this.context.kind) {
      case 'train': {
        const loss = 2.9 * Math.exp(-this.step / 9_000) + 0.31 + r.next() * 0.05;
        if (r.chance(0.1)) return `[${t.date} ${t.time}] ✓ checkpoint saved to /workspace/ckpt/step_${this.step}.pt`;
        return `[${t.date} ${t.time}] step ${this.step} loss=${loss.toFixed(4)} lr=${(3e-4 * Math.exp(-this.step / 50_000)).toExponential(2)} ${r.int(600, 900)}.${r.int(0, 9)} samples/s`;
      }
      case 'serve':
        return `INFO ${t.monthDay} ${t.time} metrics.py:351] Avg prompt throughput: ${r.int(80, 2400)}.${r.int(0, 9)} tokens/s, Avg generation throughput: ${r.int(20, 400)}.${r.int(0, 9)} tokens/s, Running: ${r.int(0, 12)} reqs, GPU KV cache usage: ${r.int(1, 90)}.${r.int(0, 9)}%`;
      case 'triton':
        return `I${t.monthDay.replace('-', '')} ${t.time}.${t.micros} 1 http_server.cc:4713] infer model=ensemble batch=${r.pick([1, 4, 8, 16])} latency_us=${r.int(900, 24_000)}`;
      case 'notebook':
        return `[I ${t.date} ${t.time}.${t.millis} ServerApp] ${r.pick(['200 GET /api/kernels', '200 GET /api/contents/work', '204 PUT /api/sessions', '101 GET /api/kernels/ws'])} (10.8.${r.int(0, 9)}.${r.int(2, 250)}) ${r.int(1, 40)}.${r.int(10, 99)}ms`;
      case 'batch':
        return `[${t.date} ${t.time}] processed ${Math.min(20_480, this.step * 4)}/20480 items ✓ (${r.int(20, 90)} items/s)`;
    }
  }

  private footer(ending: RunEnding): string[] {
    if (ending.outcome === 'CANCELLED') return ['[dispersed] Cancel requested: sending SIGTERM', '[dispersed] Container stopped'];
    if (ending.timeoutMs !== null) {
      return [`[dispersed] Run exceeded max_timeout_run_ms (${ending.timeoutMs} ms): container killed`];
    }
    const lines = ending.lastLine ? [ending.lastLine] : [];
    if (ending.outcome === 'COMPLETED' && this.context.kind === 'train') lines.push('✓ training finished, final checkpoint written');
    lines.push(`[dispersed] Container exited with code ${ending.exitCode ?? 0}`);
    return lines;
  }
}
