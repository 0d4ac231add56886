// What a Squonk Data Manager deployment offers: its applications, the job definitions of a few
// collections, the people using it and the text its instances write as task events.

export type Level = 'CRITICAL' | 'ERROR' | 'WARNING' | 'INFO' | 'DEBUG';

export interface ApplicationDef {
  id: string;
  version: string;
  image: string;
  /** Names people give their instances: `{target}` and `{user}` are filled in. */
  names: readonly string[];
  /** Coins per hour while running. */
  rate: number;
  /** What a running instance logs now and then. */
  chatter: readonly string[];
  variables: Record<string, string>;
}

export interface JobDef {
  /** The job definition's numeric id (`job_id`). */
  id: number;
  collection: string;
  job: string;
  name: string;
  version: string;
  imageType: 'SIMPLE' | 'NEXTFLOW';
  image: string;
  names: readonly string[];
  rate: number;
  /** Progress lines: `{n}` counts up, `{pct}` is a percentage, `{target}` the instance's target. */
  progress: readonly string[];
  outputs: Record<string, unknown>;
  variables: Record<string, unknown>;
  failures: readonly string[];
}

/** Every job instance runs as this one application. */
export const JOB_APPLICATION = { id: 'datamanagerjobs.squonk.it', version: 'v1' } as const;

export const APPLICATIONS: readonly ApplicationDef[] = [
  {
    id: 'jupyternotebooks.squonk.it',
    version: 'v1',
    image: 'informaticsmatters/jupyter-minimal-notebook:2024.05.1',
    names: ['{target} notebook', 'SAR exploration {target}', "{user}'s scratch notebook", 'Hit triage {target}', 'RDKit playground'],
    rate: 0.25,
    chatter: [
      'Jupyter server is ready',
      'Kernel started (python3)',
      'Notebook checkpoint saved',
      'Kernel restarted',
      'Idle culler: instance still in use',
      'Project volume synchronised',
    ],
    variables: { cpu: '1', memory: '2Gi', image: 'minimal-notebook' },
  },
  {
    id: 'squonkviz.squonk.it',
    version: 'v1',
    image: 'informaticsmatters/squonk2-viz:1.3.0',
    names: ['Viz {target} hits', '{target} series overview', 'Docking poses {target}'],
    rate: 0.1,
    chatter: ['Viewer ready', 'Loaded dataset into viewer', 'Rendered scatter plot', 'Session autosaved'],
    variables: { cpu: '0.5', memory: '1Gi' },
  },
];

const sdfOutput = (name: string, title: string) => ({
  [name]: { title, type: 'file', 'mime-types': ['chemical/x-mdl-sdfile'], creates: '{{ outputFile }}' },
});

export const JOBS: readonly JobDef[] = [
  {
    id: 11,
    collection: 'im-virtual-screening',
    job: 'max-min-picker',
    name: 'RDKit MaxMin diverse subset picker',
    version: '1.2.0',
    imageType: 'SIMPLE',
    image: 'informaticsmatters/vs-prep:1.2.0',
    names: ['Diverse pick {target}', 'MaxMin 500 from Enamine REAL', '{target} diversity subset'],
    rate: 0.5,
    progress: ['Read {n} molecules', 'Computed {n} fingerprints', 'Picked {n} molecules ({pct}% of target count)'],
    outputs: sdfOutput('outputFile', 'Picked molecules'),
    variables: { inputFile: 'inputs/candidates.sdf', outputFile: 'picked.sdf', count: 500 },
    failures: ['Input file inputs/candidates.sdf is empty', 'Job exited with code 137 (OOMKilled)'],
  },
  {
    id: 12,
    collection: 'im-virtual-screening',
    job: 'rdkit-conformers',
    name: 'Generate 3D conformers with RDKit',
    version: '1.1.3',
    imageType: 'SIMPLE',
    image: 'informaticsmatters/vs-conformers:1.1.3',
    names: ['Conformers for {target} hits', 'Confgen {target} series', '3D prep {target}'],
    rate: 1,
    progress: ['Generated conformers for {n} molecules', 'Embedding failed for 1 molecule, skipped', 'Wrote {n} conformers ({pct}%)'],
    outputs: sdfOutput('outputFile', 'Conformers'),
    variables: { inputFile: 'hits.sdf', outputFile: 'conformers.sdf', numConformers: 10, minimize: true },
    failures: ['Job exited with code 1: rdkit.Chem.rdchem.KekulizeException in record 812', 'Job exited with code 137 (OOMKilled)'],
  },
  {
    id: 17,
    collection: 'im-virtual-screening',
    job: 'smina-docking',
    name: 'Docking using Smina',
    version: '2.0.1',
    imageType: 'SIMPLE',
    image: 'informaticsmatters/vs-smina:2.0.1',
    names: ['Smina docking {target}', 'Dock {target} fragment merges', '{target} redock control'],
    rate: 2,
    progress: ['Docked {n} ligands', 'Best score so far -{pct}.4 kcal/mol', 'Docking progress {pct}%'],
    outputs: sdfOutput('outputFile', 'Docked poses'),
    variables: { ligands: 'ligands.sdf', protein: 'receptor.pdb', outputFile: 'docked.sdf', exhaustiveness: 8 },
    failures: ['Job exited with code 1: receptor.pdb has no atoms', 'Container was evicted: node ran out of ephemeral storage'],
  },
  {
    id: 23,
    collection: 'im-virtual-screening',
    job: 'nextflow-parallel-docking',
    name: 'Parallel docking with Smina (Nextflow)',
    version: '1.4.0',
    imageType: 'NEXTFLOW',
    image: 'informaticsmatters/vs-nextflow:1.4.0',
    names: ['Parallel docking {target} 10k', 'Nextflow screen {target}', '{target} library screen'],
    rate: 4,
    progress: [
      "[nextflow] process > split_sdf [{pct}%] {n} of 40",
      "[nextflow] process > smina ({n}) completed",
      "[nextflow] process > collate [{pct}%]",
    ],
    outputs: sdfOutput('outputFile', 'Docked poses (collated)'),
    variables: { ligands: 'library.sdf', protein: 'receptor.pdb', outputFile: 'docked.sdf', chunkSize: 250 },
    failures: ['Nextflow workflow failed: process smina (17) terminated with an error exit status (1)'],
  },
  {
    id: 31,
    collection: 'fragmenstein',
    job: 'fragmenstein-combine',
    name: 'Fragmenstein: combine fragments',
    version: '0.9.12',
    imageType: 'SIMPLE',
    image: 'informaticsmatters/fragmenstein:0.9.12',
    names: ['Merge {target} fragments', 'Fragmenstein combine {target} site 1', '{target} follow-ups'],
    rate: 1.5,
    progress: ['Combined pair {n}', 'Minimised merge {n} (ddG -{pct}.1)', 'Placed {n} merges in the pocket'],
    outputs: { outputFile: { title: 'Merged molecules', type: 'file', 'mime-types': ['chemical/x-mdl-sdfile'], creates: 'merged.sdf' } },
    variables: { fragments: 'fragments.sdf', protein: 'template.pdb', outputFile: 'merged.sdf', count: 5 },
    failures: ['Job exited with code 1: no valid combinations found'],
  },
  {
    id: 42,
    collection: 'rdkit',
    job: 'rdkit-standardize',
    name: 'Standardize molecules with RDKit',
    version: '1.0.4',
    imageType: 'SIMPLE',
    image: 'informaticsmatters/rdkit-utils:1.0.4',
    names: ['Standardise {target} library', 'Clean {target} SMILES', 'Standardize vendor set'],
    rate: 0.2,
    progress: ['Standardized {n} molecules', 'Skipped record {n}: could not parse SMILES', 'Processed {pct}% of input'],
    outputs: { outputFile: { title: 'Standardized molecules', type: 'file', 'mime-types': ['chemical/x-daylight-smiles'], creates: 'standardized.smi' } },
    variables: { inputFile: 'raw.smi', outputFile: 'standardized.smi', delimiter: 'tab' },
    failures: ['Job exited with code 2: unrecognised delimiter'],
  },
];

/** Crystallographic fragment-screening targets people name their work after. */
export const TARGETS = ['Mpro', 'NSP3', 'PHIP2', 'Zika NS3', 'A71EV2A', 'D68EV3C', 'NUDT7A', 'TbrB', 'Mac1', 'PTP1B'] as const;

export const USERS = ['alice.smith', 'bob.jones', 'carol.wu', 'dmitri.ivanov', 'erin.oconnor', 'farah.haddad'] as const;

export const JOB_MESSAGES = {
  pending: (image: string) => `Instance scheduled, pulling image ${image}`,
  started: 'Container started',
  completed: 'Job completed successfully (exit code 0)',
  succeeded: 'Workflow succeeded',
  imagePull: (image: string) => `Back-off pulling image "${image}"`,
  crashLoop: 'Back-off restarting failed container',
  unknown: "Lost contact with the instance's Pod",
  appFailed: 'Pod failed to start: 0/6 nodes are available: insufficient memory',
  deleting: (id: string) => `Deleting instance ${id}`,
  deleted: (id: string) => `Instance ${id} deleted`,
  stopping: (owner: string) => `Stopping instance (delete requested by ${owner})`,
} as const;
