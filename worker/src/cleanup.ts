const HOUR_MS = 3_600_000;

export interface CleanupResult {
  deleted: number;
  kept: number;
}

/**
 * Deletes the objects whose retention is over: `customMetadata.expiresAt` in the past, or, for an
 * object without it (written by another tool or the original Worker), uploaded more than
 * `retentionHours` ago. Walks the whole bucket with the list cursor.
 */
export async function deleteExpired(bucket: R2Bucket, now: Date, retentionHours: number): Promise<CleanupResult> {
  const result: CleanupResult = { deleted: 0, kept: 0 };
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ include: ['customMetadata'], limit: 1000, ...(cursor ? { cursor } : {}) });
    const expired = page.objects.filter((object) => isExpired(object, now, retentionHours)).map((object) => object.key);
    if (expired.length > 0) await bucket.delete(expired);
    result.deleted += expired.length;
    result.kept += page.objects.length - expired.length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor !== undefined);
  return result;
}

export function isExpired(object: Pick<R2Object, 'uploaded' | 'customMetadata'>, now: Date, retentionHours: number): boolean {
  const expiresAt = Date.parse(object.customMetadata?.['expiresAt'] ?? '');
  if (!Number.isNaN(expiresAt)) return expiresAt <= now.getTime();
  return object.uploaded.getTime() + retentionHours * HOUR_MS <= now.getTime();
}
