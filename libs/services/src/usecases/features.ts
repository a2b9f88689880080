import type { ResolvedDeps } from '../deps';
import type { Actor } from '../types';
import type { Access } from './access';

/** Radiomic feature sets of a patient's segmentations, newest first. */
export function createFeaturesService(deps: ResolvedDeps, access: Access) {
  return {
    async forPatient(actor: Actor, patientId: string) {
      await access.assertPatient(actor, patientId);
      const rows = await deps.prisma.featureSet.findMany({
        where: { segmentation: { series: { study: { patientId } } } },
        orderBy: { createdAt: 'desc' },
        include: {
          lesion: { select: { label: true } },
          series: { select: { phase: true, study: { select: { id: true, date: true, timepoint: true } } } },
          segmentation: { select: { structure: true, version: true, status: true } },
        },
      });
      return rows.map((f) => ({
        featureSetId: f.id,
        lesionId: f.lesionId,
        lesionLabel: f.lesion?.label ?? null,
        structure: f.segmentation.structure,
        segmentationId: f.segmentationId,
        segmentationVersion: f.segmentation.version,
        phase: f.series.phase,
        studyId: f.series.study.id,
        studyDate: f.series.study.date?.toISOString() ?? null,
        timepoint: f.series.study.timepoint,
        settingsHash: f.settingsHash,
        softwareVersion: f.softwareVersion,
        values: f.values as Record<string, number>,
        createdAt: f.createdAt.toISOString(),
      }));
    },
  };
}

export type FeaturesService = ReturnType<typeof createFeaturesService>;
