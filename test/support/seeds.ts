// Example payloads from the seeds and the wire notes, shared by the suites that feed wire schemas.

// The example of `jobs.retrieve` from UCloud's docs (upstreams/ucloud.md).
export const UCLOUD_RETRIEVE_EXAMPLE = {
  id: '62348',
  owner: { createdBy: 'user', project: null },
  updates: [
    { state: 'IN_QUEUE', outputFolder: null, status: 'Your job is now waiting in the queue!', expectedState: null, expectedDifferentState: null, newTimeAllocation: null, allowRestart: null, newMounts: null, timestamp: 1633329776235 },
    { state: 'RUNNING', outputFolder: null, status: 'Your job is now running!', expectedState: null, expectedDifferentState: null, newTimeAllocation: null, allowRestart: null, newMounts: null, timestamp: 1633329781235 },
  ],
  specification: {
    application: { name: 'acme-web-application', version: '1.0.0' },
    product: { id: 'example-compute', category: 'example-compute', provider: 'example' },
    name: null,
    replicas: 1,
    allowDuplicateJob: false,
    parameters: null,
    resources: null,
    timeAllocation: { hours: 5, minutes: 0, seconds: 0 },
    openedFile: null,
    restartOnExit: null,
    sshEnabled: null,
  },
  status: {
    state: 'RUNNING',
    jobParametersJson: null,
    startedAt: null,
    expiresAt: 1633347776235,
    resolvedApplication: null,
    resolvedSupport: null,
    resolvedProduct: null,
    allowRestart: false,
  },
  createdAt: 1633329776235,
  output: null,
  permissions: null,
};
