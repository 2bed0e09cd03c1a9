/** Size of every multipart part but the last: R2 wants parts of one size, 5 MiB at least. */
export const PART_BYTES = 8 * 1024 * 1024;

export interface StoreOptions {
  httpMetadata: R2HTTPMetadata;
  customMetadata: Record<string, string>;
}

/** A body of known length streams straight into one put; R2 needs the length up front. */
export async function putKnownLength(bucket: R2Bucket, key: string, body: ReadableStream<Uint8Array>, length: number, options: StoreOptions): Promise<void> {
  await bucket.put(key, body.pipeThrough(new FixedLengthStream(length)), options);
}

/**
 * A body of unknown length goes up as a multipart upload of PART_BYTES parts, so at most one part
 * is in memory. A body that ends before the first part is full is one plain put instead. Any
 * failure aborts the upload, so no part is left behind and no object appears. Resolves with the
 * number of parts (0 for a plain put).
 */
export async function putInParts(bucket: R2Bucket, key: string, body: ReadableStream<Uint8Array>, options: StoreOptions): Promise<number> {
  const reader = body.getReader();
  const part = new Uint8Array(PART_BYTES);
  let filled = 0;
  let upload: R2MultipartUpload | undefined;
  const parts: R2UploadedPart[] = [];
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      const chunk = next.value;
      let offset = 0;
      while (offset < chunk.byteLength) {
        const n = Math.min(PART_BYTES - filled, chunk.byteLength - offset);
        part.set(chunk.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === PART_BYTES) {
          upload ??= await bucket.createMultipartUpload(key, options);
          parts.push(await upload.uploadPart(parts.length + 1, part));
          filled = 0;
        }
      }
    }
    if (upload === undefined) {
      await bucket.put(key, part.subarray(0, filled), options);
      return 0;
    }
    if (filled > 0) parts.push(await upload.uploadPart(parts.length + 1, part.subarray(0, filled)));
    await upload.complete(parts);
    return parts.length;
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    await upload?.abort().catch(() => undefined);
    throw error;
  }
}
