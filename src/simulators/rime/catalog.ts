// The vocabulary of the simulated RIME workspace: enum names as the proto defines them, and the
// test batches, files, build steps and failures its jobs are made of.

export const STATUSES = [
  'JOB_STATUS_UNSPECIFIED',
  'JOB_STATUS_REQUESTED',
  'JOB_STATUS_PENDING',
  'JOB_STATUS_RUNNING',
  'JOB_STATUS_SUCCEEDED',
  'JOB_STATUS_FAILED',
  'JOB_STATUS_CANCELLED',
  'JOB_STATUS_RECONCILING',
] as const;
export type Status = (typeof STATUSES)[number];

export const FINAL_STATUSES: readonly Status[] = ['JOB_STATUS_SUCCEEDED', 'JOB_STATUS_FAILED', 'JOB_STATUS_CANCELLED'];
export const ACTIVE_STATUSES: readonly Status[] = [
  'JOB_STATUS_REQUESTED',
  'JOB_STATUS_PENDING',
  'JOB_STATUS_RUNNING',
  'JOB_STATUS_RECONCILING',
];

export const JOB_TYPES = [
  'JOB_TYPE_UNSPECIFIED',
  'JOB_TYPE_MODEL_STRESS_TEST',
  'JOB_TYPE_FIREWALL_BATCH_TEST',
  'JOB_TYPE_FILE_SCAN',
  'JOB_TYPE_IMAGE_BUILDER',
  'JOB_TYPE_CROSS_PLANE_TASK',
  'JOB_TYPE_GENERATIVE_MODEL_TEST',
] as const;
export type JobType = (typeof JOB_TYPES)[number];

/** "Only stress test, firewall batch test and file scan jobs can be cancelled." */
export const CANCELLABLE_TYPES: readonly JobType[] = [
  'JOB_TYPE_MODEL_STRESS_TEST',
  'JOB_TYPE_FIREWALL_BATCH_TEST',
  'JOB_TYPE_FILE_SCAN',
];

export const VIEWS = ['JOB_VIEW_UNSPECIFIED', 'JOB_VIEW_BASIC', 'JOB_VIEW_FULL'] as const;
export type View = (typeof VIEWS)[number];

export type TestTaskStatus =
  | 'TEST_TASK_STATUS_UNSPECIFIED'
  | 'TEST_TASK_STATUS_PENDING'
  | 'TEST_TASK_STATUS_RUNNING'
  | 'TEST_TASK_STATUS_COMPLETED'
  | 'TEST_TASK_STATUS_FAILED'
  | 'TEST_TASK_STATUS_CANCELLED'
  | 'TEST_TASK_STATUS_GARBAGE_COLLECTED';

export type TerminationReason =
  | 'TERMINATION_REASON_UNSPECIFIED'
  | 'TERMINATION_REASON_NOT_TERMINATED'
  | 'TERMINATION_REASON_COMPLETED'
  | 'TERMINATION_REASON_OOMKILLED'
  | 'TERMINATION_REASON_GENERIC_ERROR'
  | 'TERMINATION_REASON_INTERNAL_ERROR';

/** How often each kind of job shows up in a workspace. */
export const TYPE_WEIGHTS: readonly (readonly [JobType, number])[] = [
  ['JOB_TYPE_MODEL_STRESS_TEST', 44],
  ['JOB_TYPE_FIREWALL_BATCH_TEST', 20],
  ['JOB_TYPE_FILE_SCAN', 10],
  ['JOB_TYPE_IMAGE_BUILDER', 10],
  ['JOB_TYPE_GENERATIVE_MODEL_TEST', 10],
  ['JOB_TYPE_CROSS_PLANE_TASK', 5],
  ['JOB_TYPE_UNSPECIFIED', 1],
];

/** Minutes a job of each type runs, [min, max]. */
export const RUN_MINUTES: Readonly<Record<JobType, readonly [number, number]>> = {
  JOB_TYPE_MODEL_STRESS_TEST: [4, 60],
  JOB_TYPE_FIREWALL_BATCH_TEST: [8, 90],
  JOB_TYPE_FILE_SCAN: [1, 8],
  JOB_TYPE_IMAGE_BUILDER: [3, 15],
  JOB_TYPE_CROSS_PLANE_TASK: [1, 3],
  JOB_TYPE_GENERATIVE_MODEL_TEST: [10, 120],
  JOB_TYPE_UNSPECIFIED: [1, 20],
};

export const STRESS_TEST_BATCHES = [
  'Model Performance',
  'Subset Performance Degradation',
  'Feature Drift',
  'Label Drift',
  'Prediction Drift',
  'Numeric Outliers',
  'Null Proportion Checks',
  'Unseen Categorical Values',
  'Capitalization Perturbation',
  'Typo Robustness',
  'Adversarial Tabular Attacks',
  'Bias and Fairness',
  'Duplicate Rows',
  'Mutual Information Decrease',
];

export const CONTINUOUS_TEST_BATCHES = [
  'Model Performance',
  'Prediction Drift',
  'Feature Drift',
  'Label Drift',
  'Data Quality',
  'Subset Performance Degradation',
  'Embedding Drift',
];

export const SCANNED_FILES = [
  'model.safetensors',
  'pytorch_model.bin',
  'config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'generation_config.json',
  'model.pkl',
  'preprocess.py',
  'requirements.txt',
  'weights/encoder.pt',
  'weights/decoder.pt',
  'onnx/model.onnx',
  'README.md',
];

export const IMAGE_BUILD_STEPS = [
  'Resolving base image robustintelligenceinc/rime-base-wheel',
  'Installing pip requirements',
  'Installing custom model dependencies',
  'Building image layers',
  'Pushing image to the registry',
];

export const CROSS_PLANE_STEPS = ['Syncing agent configuration', 'Updating data plane resources', 'Verifying agent health'];

export const GENERATIVE_ATTACKS = [
  'Prompt Injection',
  'Jailbreak',
  'Toxicity Elicitation',
  'PII Extraction',
  'Factual Inconsistency',
  'Harmful Content',
  'System Prompt Leakage',
  'Off-topic Steering',
];

export const FAILURES: Readonly<Record<'generic' | 'oom' | 'internal', readonly string[]>> = {
  generic: [
    "ValueError: column 'label' not found in the reference dataset",
    'Model prediction failed: expected 32 input features, got 31',
    'Could not load model from s3://ml-artifacts/fraud/v7/model.pkl: AccessDenied',
    'Dataset is empty after applying the timestamp filter',
    'Prediction column contains non-numeric values',
  ],
  oom: [
    'Container rime-engine was OOMKilled (memory limit 16Gi)',
    'Container model-server was OOMKilled (memory limit 8Gi)',
  ],
  internal: [
    'Lost connection to the data plane agent',
    'Test run store unavailable; the job could not persist its results',
    'Kubernetes pod was evicted from node ip-10-0-12-34',
  ],
};

export const NOT_SCHEDULED = 'Job was not scheduled: no resources were allocated within 15 minutes';
