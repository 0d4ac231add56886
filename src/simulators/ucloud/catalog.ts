// What the simulated UCloud offers: applications, compute products, people and projects.

export type AppKind = 'interactive' | 'batch';

export interface AppDef {
  name: string;
  version: string;
  title: string;
  kind: AppKind;
  /** Product categories the app runs on. */
  categories: readonly string[];
  /** Names users give jobs of this app (null: left unnamed). */
  names: readonly string[];
  maxReplicas: number;
}

export const APPS: readonly AppDef[] = [
  {
    name: 'jupyter-lab',
    version: '4.2.5',
    title: 'JupyterLab',
    kind: 'interactive',
    categories: ['u1-standard', 'u1-gpu'],
    names: ['Thesis analysis', 'EDA customer churn', 'notebook (week 12)', 'course_MLD2026_ex3', 'plotting', 'geo data cleanup'],
    maxReplicas: 1,
  },
  {
    name: 'rstudio',
    version: '2024.12.0',
    title: 'RStudio',
    kind: 'interactive',
    categories: ['u1-standard'],
    names: ['survival analysis', 'RNAseq DE', 'register data (DST)', 'teaching_stat2'],
    maxReplicas: 1,
  },
  {
    name: 'coder',
    version: '4.93.1',
    title: 'Coder',
    kind: 'interactive',
    categories: ['u1-standard', 'u1-gpu'],
    names: ['dev env', 'refactor pipeline', 'VS Code - paper code'],
    maxReplicas: 1,
  },
  {
    name: 'terminal-ubuntu',
    version: '0.22.0',
    title: 'Terminal Ubuntu',
    kind: 'interactive',
    categories: ['u1-standard', 'hippo-hm1'],
    names: ['data transfer', 'conda env build', 'rsync from ERDA', 'cluster test (3 nodes)'],
    maxReplicas: 4,
  },
  {
    name: 'matlab',
    version: 'R2024b',
    title: 'MATLAB',
    kind: 'interactive',
    categories: ['u1-standard'],
    names: ['signal processing lab 4', 'control_sim', 'Simulink model v2'],
    maxReplicas: 1,
  },
  {
    name: 'gromacs',
    version: '2024.3',
    title: 'GROMACS',
    kind: 'batch',
    categories: ['u1-standard', 'u1-gpu', 'hippo-hm1'],
    names: ['lysozyme_md_run_07', 'membrane equilibration 3', 'npt_300K_replica_2', 'POPC bilayer (500 ns)'],
    maxReplicas: 4,
  },
  {
    name: 'openfoam',
    version: '12',
    title: 'OpenFOAM',
    kind: 'batch',
    categories: ['u1-standard', 'hippo-hm1'],
    names: ['pitzDaily_les', 'wind turbine wake (fine mesh)', 'motorBike_snappy'],
    maxReplicas: 4,
  },
  {
    name: 'quantum-espresso',
    version: '7.3.1',
    title: 'Quantum ESPRESSO',
    kind: 'batch',
    categories: ['u1-standard', 'hippo-hm1'],
    names: ['si_bands_scf', 'graphene relax 4x4', 'MoS2 phonons'],
    maxReplicas: 4,
  },
  {
    name: 'pytorch',
    version: '2.5.1',
    title: 'PyTorch',
    kind: 'batch',
    categories: ['u1-gpu'],
    names: ['resnet50 finetune', 'llm eval (batch 3)', 'unet_segmentation_fold2'],
    maxReplicas: 2,
  },
];

export interface ProductDef {
  id: string;
  category: string;
  provider: string;
  cpu: number;
  memoryInGigs: number;
  gpu: number;
  cpuModel: string;
  gpuModel: string | null;
  description: string;
}

function standard(cpu: number): ProductDef {
  return {
    id: `u1-standard-${cpu}`,
    category: 'u1-standard',
    provider: 'ucloud',
    cpu,
    memoryInGigs: cpu * 6,
    gpu: 0,
    cpuModel: 'Intel Xeon Gold 6130',
    gpuModel: null,
    description: `${cpu} vCPU, ${cpu * 6} GB RAM`,
  };
}

function gpu(count: number): ProductDef {
  return {
    id: `u1-gpu-${count}`,
    category: 'u1-gpu',
    provider: 'ucloud',
    cpu: count * 16,
    memoryInGigs: count * 90,
    gpu: count,
    cpuModel: 'AMD EPYC 7643',
    gpuModel: 'NVIDIA A100 40GB',
    description: `${count}x NVIDIA A100, ${count * 16} vCPU`,
  };
}

function hippo(cpu: number): ProductDef {
  return {
    id: `hippo-hm1-${cpu}`,
    category: 'hippo-hm1',
    provider: 'hippo',
    cpu,
    memoryInGigs: cpu * 16,
    gpu: 0,
    cpuModel: 'AMD EPYC 7763',
    gpuModel: null,
    description: `High-memory node share: ${cpu} cores, ${cpu * 16} GB RAM (Slurm)`,
  };
}

export const PRODUCTS: readonly ProductDef[] = [
  ...[1, 2, 4, 8, 16, 32, 64].map(standard),
  ...[1, 2, 4].map(gpu),
  ...[32, 64].map(hippo),
];

/** Providers running on Slurm hand back their own job id (`providerGeneratedId`). */
export const SLURM_PROVIDERS: ReadonlySet<string> = new Set(['hippo']);

export const DEMO_USERNAME = 'alice#4821';

/** Colleagues who share projects with the demo user. */
export const MEMBERS: readonly string[] = ['bob#1093', 'chen#7730', 'dorthe#2291', 'emil#5508', 'freja#3364', 'gustav#9012'];

export const PROJECT_TITLES: readonly string[] = ['sdu-molecular-dynamics', 'NLP course 2026', 'climate-cfd'];

export const STATUS_TEXT = {
  IN_QUEUE: 'Your job is now waiting in the queue!',
  RUNNING: 'Your job is now running!',
  SUSPENDED: 'Your job has been suspended',
  CANCELING: 'Your job is being cancelled',
  SUCCESS: 'Your job has finished',
  TERMINATED: 'Job was terminated by the user',
  EXPIRED: 'Job has expired: the time allocation was used up',
} as const;

export const FAILURE_TEXT: readonly string[] = [
  'Failed to schedule job: no node could satisfy the requested resources',
  'Node u1-standard-node-17 became unreachable',
  'Failed to pull container image: manifest unknown',
  'Job was killed by the scheduler (out of memory)',
  'Slurm: NODE_FAIL on hm1-04',
];
