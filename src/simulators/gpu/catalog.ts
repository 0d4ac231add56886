// What the simulated GPU cloud's users run: images, GPUs, titles and the ways jobs end.

export type WorkloadKind = 'train' | 'serve' | 'triton' | 'notebook' | 'batch';

export interface ImageSpec {
  image: string;
  tags: readonly string[];
  /** Registry host for private or non-Docker-Hub images. */
  host: string | null;
  /** Registry login (`$oauthtoken` is how NGC takes an API key). */
  user: string | null;
  /** Prefix of the registry password this image needs, when it needs one. */
  secretPrefix: string | null;
  kind: WorkloadKind;
  sizeBytes: number;
  ports: readonly number[];
  titles: readonly string[];
  /** `{secret}` stands for a random credential (the reason env values are never shown). */
  env: Readonly<Record<string, string>>;
}

const GB = 1_000_000_000;

export const IMAGES: readonly ImageSpec[] = [
  {
    image: 'pytorch/pytorch',
    tags: ['2.3.1-cuda12.1-cudnn8-runtime', '2.5.1-cuda12.4-cudnn9-runtime', '2.4.0-cuda12.1-cudnn9-devel'],
    host: null,
    user: null,
    secretPrefix: null,
    kind: 'train',
    sizeBytes: 7.9 * GB,
    ports: [],
    titles: ['llama-3-8b-lora-finetune', 'resnet50-imagenet-baseline', 'nanoGPT shakespeare-char', 'vit-b16 cifar100 sweep', 'bert-base ner finetune', 'mistral-7b dpo run'],
    env: { HF_TOKEN: 'hf_{secret}', WANDB_API_KEY: '{secret}', NCCL_DEBUG: 'WARN', PYTHONUNBUFFERED: '1' },
  },
  {
    image: 'nvidia/pytorch',
    tags: ['24.10-py3', '24.12-py3'],
    host: 'nvcr.io',
    user: '$oauthtoken',
    secretPrefix: 'nvapi-',
    kind: 'train',
    sizeBytes: 21.3 * GB,
    ports: [],
    titles: ['megatron gpt-1.3b pretrain', 'sdxl dreambooth (Corgi v3)', 'whisper-large-v3 finetune da-DK'],
    env: { NCCL_IB_DISABLE: '1', WANDB_API_KEY: '{secret}', OMP_NUM_THREADS: '8' },
  },
  {
    image: 'vllm/vllm-openai',
    tags: ['v0.6.3', 'v0.8.4', 'latest'],
    host: null,
    user: null,
    secretPrefix: null,
    kind: 'serve',
    sizeBytes: 9.6 * GB,
    ports: [8000],
    titles: ['vllm serve mistral-7b-instruct', 'vllm serve llama-3.1-70b-instruct (tp=2)', 'qwen2.5-coder-32b endpoint', 'eval harness backend'],
    env: { HUGGING_FACE_HUB_TOKEN: 'hf_{secret}', VLLM_WORKER_MULTIPROC_METHOD: 'spawn' },
  },
  {
    image: 'nvidia/tritonserver',
    tags: ['24.08-py3', '24.12-py3'],
    host: 'nvcr.io',
    user: '$oauthtoken',
    secretPrefix: 'nvapi-',
    kind: 'triton',
    sizeBytes: 14.2 * GB,
    ports: [8000, 8001, 8002],
    titles: ['triton ensemble benchmark', 'triton yolov8 inference', 'tensorrt-llm perf sweep'],
    env: { CUDA_MODULE_LOADING: 'LAZY' },
  },
  {
    image: 'quay.io/jupyter/pytorch-notebook',
    tags: ['cuda12-latest', 'cuda12-2024-11-18'],
    host: null,
    user: null,
    secretPrefix: null,
    kind: 'notebook',
    sizeBytes: 5.1 * GB,
    ports: [8888],
    titles: ['jupyter scratchpad', 'notebook: embeddings exploration', 'Übung 4 – Transformer'],
    env: { JUPYTER_TOKEN: '{secret}', GRANT_SUDO: 'yes' },
  },
  {
    image: 'ollama/ollama',
    tags: ['latest', '0.5.4'],
    host: null,
    user: null,
    secretPrefix: null,
    kind: 'serve',
    sizeBytes: 1.6 * GB,
    ports: [11434],
    titles: ['ollama llama3.2 sandbox', 'ollama phi-3 demo'],
    env: { OLLAMA_KEEP_ALIVE: '24h' },
  },
  {
    image: 'acme-ml/diffusion-trainer',
    tags: ['1.8.2', '1.9.0-rc1'],
    host: 'ghcr.io',
    user: 'acme-ml-bot',
    secretPrefix: 'ghp_',
    kind: 'train',
    sizeBytes: 11.4 * GB,
    ports: [],
    titles: ['sd-1.5 product shots finetune', 'controlnet depth retrain', 'flux-dev lora — brand style'],
    env: { AWS_ACCESS_KEY_ID: 'AKIA{secret}', AWS_SECRET_ACCESS_KEY: '{secret}', S3_BUCKET: 'acme-ml-checkpoints' },
  },
  {
    image: 'huggingface/transformers-pytorch-gpu',
    tags: ['latest', '4.46.3'],
    host: null,
    user: null,
    secretPrefix: null,
    kind: 'batch',
    sizeBytes: 8.8 * GB,
    ports: [],
    titles: ['batch transcription (whisper) — podcasts', 'clip embeddings 2M images', 'translate en→ja product catalog', 'colabfold batch 118 sequences'],
    env: { HF_TOKEN: 'hf_{secret}', TRANSFORMERS_CACHE: '/workspace/.cache' },
  },
];

export interface GpuSpec {
  name: string;
  vramGb: number;
  registryUuid: string;
}

export const GPUS: readonly GpuSpec[] = [
  { name: 'NVIDIA RTX 4090', vramGb: 24, registryUuid: '3f6b2c1e-8d4a-4b7e-9c21-5a0d7e4f1b93' },
  { name: 'NVIDIA A100 80GB', vramGb: 80, registryUuid: '9a1c7e52-0b3d-4f86-a7e4-2d5c8b0f6e11' },
  { name: 'NVIDIA H100', vramGb: 80, registryUuid: 'c47e0d19-5f2a-4c3b-8e6d-71b9a2f0d845' },
  { name: 'NVIDIA L40S', vramGb: 48, registryUuid: '5e2d9b70-c1a4-4e38-b6f2-0a7c3d91e4b6' },
  { name: 'NVIDIA RTX A6000', vramGb: 48, registryUuid: 'e08b4f3a-7c6d-4a12-9f5e-b3c1d2a0e7f8' },
];

export const REGIONS = ['fra1', 'ams2', 'lon1', 'nyc3', 'sfo2'] as const;

export const RECIPES = ['b2f8c6d4-1e3a-4f5b-8c7d-9e0a1b2c3d4e', '7d9e1f2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a'] as const;

export const DESCRIPTIONS = [
  'Nightly run from the training pipeline.',
  'Ad-hoc experiment, safe to cancel.',
  'Benchmark for the Q1 capacity report.',
  'Launched from the recipe catalogue.',
  null,
  null,
] as const;

/** Exit codes of failed runs and what the job's `status_reason` says about them. */
export const RUN_FAILURES: readonly { exitCode: number; reason: string; last: string }[] = [
  { exitCode: 1, reason: 'Container exited with code 1', last: 'RuntimeError: CUDA error: an illegal memory access was encountered' },
  { exitCode: 137, reason: 'Container exited with code 137 (OOMKilled)', last: 'Killed' },
  { exitCode: 1, reason: 'Container exited with code 1', last: 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB' },
  { exitCode: 2, reason: 'Container exited with code 2', last: "FileNotFoundError: [Errno 2] No such file or directory: '/workspace/data/train.jsonl'" },
];

export const CANCEL_REASONS = ['Cancelled by user', 'No longer needed', 'Wrong hyperparameters, restarting', 'Budget limit reached'] as const;
