// What the peer is asked (issue 10): "the 50 newest per backend", four lists side by side, no
// merging, with the common fields (id, name, state, created, owner or each backend's nearest
// equivalent). Each list asks for newest-first and a limit where that API has them:
// - UCloud: itemsPerPage 50, sortBy CREATED_AT, descending (newest 50).
// - RIME: pageSize 50 only; ListJobs has no order or sort parameter, so these are the first 50 in
//   RIME's own order, not the newest. No owner, no name (jobType is the nearest).
// - Data Manager: no limit, no order, no pagination; every instance comes back.
// - GPU: limit 50, page 1, sort -created_at (newest 50). No owner field.
// Imported by bench/list (the load client) and free of the peer's packages on purpose: the root
// type-check does not install bench/peer.

export function peerListQuery(first: number): string {
  return `query PeerList {
  ucloud: ucloudJobsBrowse(itemsPerPage: ${first}, sortBy: "CREATED_AT", sortDirection: descending) {
    items { id createdAt owner { createdBy } specification { name application { name } } status { state } }
  }
  rime: rimeListJobs(pageSize: "${first}") {
    jobs { jobId jobType status creationTime }
  }
  dataManager: dataManagerInstances {
    instances { id name owner phase launched }
  }
  gpu: gpuJobs(limit: ${first}, page: 1, sort: _created_at) {
    data { uuid title status created_at }
  }
}`;
}

/** The aliases of the four lists and the field under each that holds the jobs. */
export const PEER_LISTS = { ucloud: 'items', rime: 'jobs', dataManager: 'instances', gpu: 'data' } as const;
