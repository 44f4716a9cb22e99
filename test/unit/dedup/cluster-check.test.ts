import { describe, expect, it } from 'vitest';
import { splitLinkedGroup, type PairJudgement } from '../../../src/dedup/cluster-check.js';

/** A judge from a table of linked pairs and weights ('0-1': weight); unlisted pairs are unlinked with `otherWeight`. */
function judgeOf(links: Record<string, number>, otherWeight = -20): (i: number, j: number) => PairJudgement {
  return (i, j) => {
    const w = links[`${i}-${j}`];
    return w === undefined ? { linked: false, weight: otherWeight } : { linked: true, weight: w };
  };
}
const T = Math.log2(0.9 / 0.1);

describe('splitLinkedGroup', () => {
  it.each<[string, number[], Record<string, number>, number, number[][]]>([
    ['a pair stays a pair', [0, 1], { '0-1': 10 }, -20, [[0, 1]]],
    ['a triangle of one person', [0, 1, 2], { '0-1': 10, '0-2': 9, '1-2': 8 }, -20, [[0, 1, 2]]],
    ['two copies that each match the original but not each other', [0, 1, 2], { '0-1': 20, '0-2': 20 }, 2, [[0, 1, 2]]],
    ['a chain through one weak link is cut', [0, 1, 2, 3], { '0-1': 20, '1-2': 4, '2-3': 20 }, -20, [[0, 1], [2, 3]]],
    ['a member linked to one of three strongly contradicted', [0, 1, 2, 3], { '0-1': 20, '0-2': 20, '1-2': 20, '2-3': 5 }, -30, [[0, 1, 2], [3]]],
    ['an office chained by neighbours stays apart', [0, 1, 2, 3, 4], { '0-1': 4, '1-2': 4, '2-3': 4, '3-4': 4 }, -25, [[0, 1], [2, 3], [4]]],
  ])('%s', (_name, members, links, other, expected) => {
    expect(splitLinkedGroup(members, judgeOf(links, other), T)).toEqual(expected);
  });

  it('joins the best-supported pair first, whatever the order of the members', () => {
    // 1 links to both 0 and 2; 1-2 is stronger, and 0 and 2 contradict each other.
    const links = { '0-1': 5, '1-2': 15 };
    expect(splitLinkedGroup([0, 1, 2], judgeOf(links, -30), T)).toEqual([[0], [1, 2]]);
  });

  it('keeps members given by their input indexes', () => {
    expect(splitLinkedGroup([4, 9], judgeOf({ '4-9': 10 }), T)).toEqual([[4, 9]]);
    expect(splitLinkedGroup([7], judgeOf({}), T)).toEqual([[7]]);
  });
});
