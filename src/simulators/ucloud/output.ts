// Job output: per replica (rank), stdout and stderr text that grows with the job's running time.
// Writes happen at seeded points of running time and are cut at arbitrary character offsets, the way
// a program's buffered writes reach a log; the text is a pure function of seed and running time.
import { Random } from '../common/random.js';
import type { AppDef } from './catalog.js';

type LineMaker = (index: number, wallMs: number, random: Random) => string;

interface Write {
  atRunMs: number;
  /** Length of the text once this write has happened. */
  end: number;
}

interface StreamShape {
  gapMs: readonly [number, number];
  sizeChars: readonly [number, number];
  line: LineMaker;
}

/** One growing text (one rank's stdout or stderr). */
export class OutputStream {
  private text = '';
  private lines = 0;
  private readonly writes: Write[] = [];
  /** Writes whose text has been produced (text is produced write by write, so line stamps are stable). */
  private produced = 0;

  constructor(
    private readonly random: Random,
    private readonly lineRandom: Random,
    private readonly shape: StreamShape,
    /** Wall time at running time 0, for the timestamps inside lines. */
    private readonly startWallMs: number,
  ) {}

  /** What has been written after `runMs` of running time; `final` completes the last line. */
  upTo(runMs: number, final: boolean): string {
    this.plan(runMs);
    let end = 0;
    for (let i = 0; i < this.writes.length; i++) {
      const write = this.writes[i] as Write;
      if (write.atRunMs > runMs) break;
      if (i >= this.produced) {
        this.fill(write.end, write.atRunMs);
        this.produced = i + 1;
      }
      end = write.end;
    }
    if (final && end > 0 && this.text[end - 1] !== '\n') end = this.text.indexOf('\n', end) + 1;
    return this.text.slice(0, end);
  }

  private plan(runMs: number): void {
    while (this.writes.length === 0 || (this.writes[this.writes.length - 1] as Write).atRunMs <= runMs) {
      const last = this.writes[this.writes.length - 1];
      const [gapMin, gapMax] = this.shape.gapMs;
      const [sizeMin, sizeMax] = this.shape.sizeChars;
      this.writes.push({
        atRunMs: (last?.atRunMs ?? 0) + this.random.int(gapMin, gapMax),
        end: (last?.end ?? 0) + this.random.int(sizeMin, sizeMax),
      });
    }
  }

  private fill(length: number, atRunMs: number): void {
    while (this.text.length < length) {
      this.text += `${this.shape.line(this.lines++, this.startWallMs + atRunMs, this.lineRandom)}\n`;
    }
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();
const clock = (ms: number): string => iso(ms).slice(11, 23);
const sci = (random: Random, exp: number): string => `${(1 + random.next() * 8.9).toFixed(4)}e-${String(exp + random.int(0, 2)).padStart(2, '0')}`;

function jupyter(rank: number): { out: LineMaker; err: LineMaker } {
  return {
    out: (i, at, r) =>
      i === 0 ? `Starting JupyterLab on rank ${rank} ...` : r.pick([`Installing ${r.pick(['pandas', 'numpy', 'seaborn', 'scikit-learn', 'xarray'])}==${r.int(1, 2)}.${r.int(0, 20)}.${r.int(0, 9)}`, `epoch ${i}: loss=${(2 / (i + 1)).toFixed(5)} acc=${(1 - 1 / (i + 2)).toFixed(4)}`, `[${clock(at)}] cell finished in ${r.int(1, 900) / 10} s`]),
    err: (i, at, r) =>
      `[${r.pick(['I', 'I', 'I', 'W'])} ${iso(at).replace('T', ' ').slice(0, 23)} ServerApp] ${r.pick([`Kernel started: ${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}`, 'Saving file at /work/analysis.ipynb', `Kernel restarted: ${r.hex(8)}`, `404 GET /api/kernels/${r.hex(8)}/channels (${r.int(10, 250)}.${r.int(0, 9)}ms)`, `Starting buffering for ${r.hex(8)}:${r.hex(8)}`])}${i === 0 ? ' (first log line)' : ''}`,
  };
}

function gromacs(rank: number): { out: LineMaker; err: LineMaker } {
  return {
    out: (i, _at, r) =>
      i % 7 === 0
        ? `           Step           Time\n${String(i * 5_000).padStart(15)}${(i * 10).toFixed(5).padStart(15)}`
        : `   Energies (kJ/mol) rank ${rank}: Potential ${(-4.1e5 - r.next() * 1e4).toFixed(2)}  Kinetic En. ${(7.2e4 + r.next() * 900).toFixed(2)}  Pressure (bar) ${(r.next() * 40 - 20).toFixed(3)}`,
    err: (i, _at, r) =>
      r.pick([
        `step ${i * 5_000}: timed with pme grid 52 52 52, coulomb cutoff 1.${r.int(100, 300)}: ${r.int(300, 900)}.${r.int(0, 9)} M-cycles`,
        `NOTE: ${r.int(1, 9)}.${r.int(0, 9)} % of the run time was spent in domain decomposition`,
        `imb F ${r.int(1, 20)}% step ${i * 5_000}, will finish ${new Date(_at + r.int(1, 48) * 3_600_000).toUTCString()}`,
      ]),
  };
}

function openfoam(rank: number): { out: LineMaker; err: LineMaker } {
  return {
    out: (i, _at, r) =>
      `Time = ${(i * 0.0025).toFixed(4)}\n\nsmoothSolver:  Solving for Ux, Initial residual = ${sci(r, 3)}, Final residual = ${sci(r, 7)}, No Iterations ${r.int(1, 6)}\nGAMG:  Solving for p, Initial residual = ${sci(r, 2)}, Final residual = ${sci(r, 5)}, No Iterations ${r.int(4, 30)}\nExecutionTime = ${(i * 0.41).toFixed(2)} s  ClockTime = ${Math.round(i * 0.43)} s (proc ${rank})\n`,
    err: (_i, _at, r) => `--> FOAM Warning : From function void Foam::${r.pick(['fvMesh::checkMesh', 'polyMesh::checkGeometry'])}() ${r.int(1, 40)} faces have high skewness`,
  };
}

function espresso(rank: number): { out: LineMaker; err: LineMaker } {
  return {
    out: (i, _at, r) =>
      `     iteration #${String(i + 1).padStart(3)}     ecut=    45.00 Ry     beta= 0.70\n     total energy              =    ${(-213.4 - r.next()).toFixed(8)} Ry\n     estimated scf accuracy    <       ${(r.next() / (i + 1)).toFixed(8)} Ry${rank > 0 ? `  [pool ${rank}]` : ''}`,
    err: (_i, _at, r) => `Note: ${r.pick(['davcio: reading wavefunction', 'c_bands: 2 eigenvalues not converged', 'MPI_Init_thread: requested THREAD_FUNNELED'])}`,
  };
}

function pytorch(rank: number): { out: LineMaker; err: LineMaker } {
  return {
    out: (i, _at, r) => `[rank ${rank}] epoch ${Math.floor(i / 20)} step ${i % 20}/20 loss ${(3 * Math.exp(-i / 150) + r.next() * 0.05).toFixed(4)} lr 3.0e-04 ${r.int(200, 900)} img/s`,
    err: (_i, _at, r) =>
      r.pick([
        'UserWarning: TypedStorage is deprecated.',
        `NCCL INFO Channel ${String(r.int(0, 31)).padStart(2, '0')}/32 :    0   1`,
        'torch.distributed: barrier() took longer than expected',
      ]),
  };
}

function generic(app: AppDef, rank: number): { out: LineMaker; err: LineMaker } {
  return {
    out: (i, at, r) =>
      i === 0
        ? `Starting ${app.title} ${app.version} (rank ${rank})`
        : r.pick([`[${iso(at)}] ${app.name}: heartbeat ${i}`, `load average: ${(r.next() * 8).toFixed(2)}, ${(r.next() * 8).toFixed(2)}, ${(r.next() * 8).toFixed(2)}`, `session ${r.hex(6)} active (${r.int(1, 5)} clients)`]),
    err: (_i, at, r) => `[${iso(at)}] WARN ${r.pick(['slow filesystem response on /work', 'license server answered late', 'websocket client went away'])}`,
  };
}

const STDOUT: StreamShape = { gapMs: [1_500, 9_000], sizeChars: [24, 420], line: () => '' };
const STDERR: StreamShape = { gapMs: [8_000, 70_000], sizeChars: [12, 160], line: () => '' };

/** The stdout and stderr streams of one rank of one job. */
export function rankStreams(seedLabel: string, app: AppDef, rank: number, startWallMs: number): { stdout: OutputStream; stderr: OutputStream } {
  const makers =
    app.name === 'jupyter-lab'
      ? jupyter(rank)
      : app.name === 'gromacs'
        ? gromacs(rank)
        : app.name === 'openfoam'
          ? openfoam(rank)
          : app.name === 'quantum-espresso'
            ? espresso(rank)
            : app.name === 'pytorch'
              ? pytorch(rank)
              : generic(app, rank);
  const random = (what: string): Random => new Random(`${seedLabel}:${rank}:${what}`);
  return {
    stdout: new OutputStream(random('out'), random('out-lines'), { ...STDOUT, line: makers.out }, startWallMs),
    stderr: new OutputStream(random('err'), random('err-lines'), { ...STDERR, line: makers.err }, startWallMs),
  };
}
