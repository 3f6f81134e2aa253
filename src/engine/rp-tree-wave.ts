// The RP trees of NN-descent's start, built over several paced steps on the pool. Their state is not
// checkpointed (a tree's order is 4 bytes a point, rebuilt in seconds from its seed): a run resumed
// while a tree is being built starts that tree again, and skips the leaves whose pairs it applied.
import type { ComputePool } from './compute-core';
import type { RpBuild, RpLeaves } from './rp-tree';

const isLeaves = (t: RpBuild | RpLeaves | undefined): t is RpLeaves => t !== undefined && 'leafStarts' in t;

export class TreeWave {
  private trees = new Map<number, RpBuild | RpLeaves>();
  /** The tree whose leaves the pool holds, −1 for none. */
  private onPool = -1;
  /**
   * The most points any tree of the last building step put on a side. A tree that ends does less
   * than it was given, so the step is paced on this, not on what was asked: at 300k the step after a
   * wave's last ran for 0.76–1.24 s, sized on a rate that counted work never done.
   */
  lastWork = 0;

  /**
   * While tree `first` is not built: go on building the trees of [first, last) that are not, in
   * parallel, each by about `units` points, and return null. Once it is: its leaves, set on the pool.
   */
  async advance(pool: ComputePool, first: number, last: number, start: (tree: number) => RpBuild, units: number): Promise<RpLeaves | null> {
    if (!isLeaves(this.trees.get(first))) {
      const open: Promise<void>[] = [];
      let work = 0;
      for (let t = first; t < last; t++) {
        const b = this.trees.get(t);
        if (isLeaves(b)) continue;
        const build = b ?? start(t);
        const before = build.sided; // read before the state is transferred away
        open.push(
          pool.rpTreeBuild(build, units).then((r) => {
            work = Math.max(work, r.build.sided - before);
            this.trees.set(t, r.leaves ?? r.build);
          }),
        );
      }
      await Promise.all(open);
      this.lastWork = work;
      return null;
    }
    const leaves = this.trees.get(first) as RpLeaves;
    if (this.onPool !== first) {
      await pool.setLeaves(leaves);
      this.onPool = first;
    }
    return leaves;
  }

  /** Tree `t` is applied: its leaves are not needed again. */
  done(t: number): void {
    this.trees.delete(t);
  }
}
