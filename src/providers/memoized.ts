// A pure mapping from a wire object (an item, or a kept page) to jobs, done once per wire object. With item-memo.ts an
// unchanged item comes back as the same object on every refresh, so the job mapped from it (and
// everything the kept listing holds) stays the same object too instead of becoming garbage.
export function memoized<W extends object, J>(map: (wire: W) => J): (wire: W) => J {
  const jobs = new WeakMap<W, J>();
  return (wire) => {
    let job = jobs.get(wire);
    if (job === undefined) {
      job = map(wire);
      jobs.set(wire, job);
    }
    return job;
  };
}
