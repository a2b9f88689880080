import type { Db, DbClient } from '../client';
import type { Prisma, Segmentation, SegmentationSource, SegmentationStatus, Structure } from '../generated/prisma/client';

/** Thrown when an edit is based on a version that is no longer the newest one (someone else saved first). */
export class SegmentationConflictError extends Error {
  override readonly name = 'SegmentationConflictError';
  constructor(
    /** The version the caller edited. */
    readonly basedOnId: string,
    /** The newer version that now exists (when known). */
    readonly currentHeadId: string | null,
  ) {
    super(
      `Segmentation ${basedOnId} was changed by someone else${currentHeadId ? ` (newer version ${currentHeadId})` : ''}; ` +
        'reload the latest version and apply your edits again.',
    );
  }
}

/** Fields of a new mask version. */
export interface NewSegmentation {
  seriesId: string;
  structure: Structure;
  lesionId?: string | null;
  source: SegmentationSource;
  modelId?: string | null;
  authorId?: string | null;
  maskUri: string;
  sha256: string;
  labels: Prisma.InputJsonValue;
  volumeMl?: number | null;
  status?: SegmentationStatus;
}

const ROW = {
  id: true,
  seriesId: true,
  structure: true,
  lesionId: true,
  source: true,
  modelId: true,
  authorId: true,
  version: true,
  previousId: true,
  status: true,
  maskUri: true,
  sha256: true,
  labels: true,
  volumeMl: true,
  provenance: true,
  reviewNote: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies Prisma.SegmentationSelect;

/**
 * Segmentation versions. A version chain is linked by `previousId`, which is UNIQUE: two edits of the same version
 * cannot both be saved — the database decides, the loser gets `SegmentationConflictError` (never a lost update).
 */
export class SegmentationRepository {
  constructor(private readonly db: Pick<Db, '$transaction'> & DbClient) {}

  /** First version of a new chain (version 1). */
  create(data: NewSegmentation): Promise<Segmentation> {
    return this.db.segmentation.create({ data: { ...data, version: 1 }, select: ROW });
  }

  /**
   * Saves an edit of `basedOnId` as the next version (version + 1; geometry/structure/lesion inherited unless
   * given) and marks the edited version SUPERSEDED, atomically. Throws `SegmentationConflictError` when
   * `basedOnId` already has a successor, including when a concurrent edit wins the race.
   */
  async createVersion(basedOnId: string, data: Omit<NewSegmentation, 'seriesId' | 'structure'> & Partial<Pick<NewSegmentation, 'seriesId' | 'structure'>>): Promise<Segmentation> {
    try {
      return await this.db.$transaction(async (tx: DbClient) => {
        const prev = await tx.segmentation.findUnique({
          where: { id: basedOnId },
          select: { id: true, version: true, seriesId: true, structure: true, lesionId: true, status: true, next: { select: { id: true } } },
        });
        if (!prev) throw new Error(`Segmentation ${basedOnId} does not exist`);
        if (prev.next) throw new SegmentationConflictError(basedOnId, prev.next.id);
        const created = await tx.segmentation.create({
          data: {
            ...data,
            seriesId: data.seriesId ?? prev.seriesId,
            structure: data.structure ?? prev.structure,
            lesionId: data.lesionId === undefined ? prev.lesionId : data.lesionId,
            previousId: prev.id,
            version: prev.version + 1,
          },
          select: ROW,
        });
        await tx.segmentation.update({ where: { id: prev.id }, data: { status: 'SUPERSEDED' } });
        return created;
      });
    } catch (err) {
      if (err instanceof SegmentationConflictError) throw err;
      if ((err as { code?: string }).code === 'P2002') {
        const head = await this.db.segmentation.findUnique({ where: { previousId: basedOnId }, select: { id: true } });
        throw new SegmentationConflictError(basedOnId, head?.id ?? null);
      }
      throw err;
    }
  }

  /**
   * Accepts or rejects the newest version of its chain. Reviewing a superseded version throws
   * `SegmentationConflictError` (the reviewer looked at an outdated mask).
   */
  async review(id: string, status: 'ACCEPTED' | 'REJECTED', note?: string): Promise<Segmentation> {
    const res = await this.db.segmentation.updateMany({ where: { id, next: { is: null }, status: { not: 'SUPERSEDED' } }, data: { status, reviewNote: note ?? null } });
    if (res.count === 0) {
      const cur = await this.db.segmentation.findUnique({ where: { id }, select: { next: { select: { id: true } } } });
      if (!cur) throw new Error(`Segmentation ${id} does not exist`);
      throw new SegmentationConflictError(id, cur.next?.id ?? null);
    }
    return (await this.db.segmentation.findUnique({ where: { id }, select: ROW }))!;
  }

  /** The newest version of the chain containing `id`. */
  async head(id: string): Promise<Segmentation> {
    let cur = await this.db.segmentation.findUnique({ where: { id }, select: { ...ROW, next: { select: { id: true } } } });
    if (!cur) throw new Error(`Segmentation ${id} does not exist`);
    while (cur.next) {
      cur = (await this.db.segmentation.findUnique({ where: { id: cur.next.id }, select: { ...ROW, next: { select: { id: true } } } }))!;
    }
    const { next: _n, ...row } = cur;
    return row;
  }

  /** All versions of the chain containing `id`, oldest first. */
  async history(id: string): Promise<Segmentation[]> {
    const head = await this.head(id);
    const out: Segmentation[] = [head];
    let prevId = head.previousId;
    while (prevId) {
      const p = await this.db.segmentation.findUnique({ where: { id: prevId }, select: ROW });
      if (!p) break;
      out.push(p);
      prevId = p.previousId;
    }
    return out.reverse();
  }

  /** Newest version of every chain on a series (what viewers show by default). */
  listHeads(seriesId: string): Promise<Segmentation[]> {
    return this.db.segmentation.findMany({ where: { seriesId, next: { is: null } }, orderBy: [{ structure: 'asc' }, { createdAt: 'asc' }], select: ROW });
  }
}
