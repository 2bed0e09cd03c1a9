import { describe, expect, it } from '@jest/globals';
import { CHUNK_BYTES, chunksBySize } from '../src/processor.js';

describe('chunksBySize', () => {
  const MiB = 1024 * 1024;
  it('keeps UIDs in order and bounds the bytes of one FETCH', () => {
    const sizes = new Map([[1, 3 * MiB], [2, 3 * MiB], [3, 3 * MiB], [4, 1 * MiB]]);
    expect(chunksBySize([1, 2, 3, 4], sizes, 25 * MiB)).toEqual([[1, 2], [3, 4]]);
  });
  it('lets a message larger than a chunk go alone, and too-large or expunged ones ride along', () => {
    const sizes = new Map([[1, 1000], [2, CHUNK_BYTES + 1], [3, 30 * MiB], [5, 1000]]);
    // 3 is above the download limit (not fetched), 4 was expunged (no size).
    expect(chunksBySize([1, 2, 3, 4, 5], sizes, 25 * MiB)).toEqual([[1], [2, 3, 4], [5]]);
  });
  it('caps the number of messages per chunk', () => {
    const uids = Array.from({ length: 120 }, (_, i) => i + 1);
    const chunks = chunksBySize(uids, new Map(uids.map((u) => [u, 100])), 25 * MiB);
    expect(chunks.map((c) => c.length)).toEqual([50, 50, 20]);
    expect(chunks.flat()).toEqual(uids);
  });
});
