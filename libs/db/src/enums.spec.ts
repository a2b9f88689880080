import * as domain from '@hepatoscope/domain';
import * as prismaEnums from './generated/prisma/enums';

/** @hepatoscope/domain mirrors the Prisma enums; this fails when prisma/schema.prisma and the domain drift apart. */
describe('domain enums = Prisma enums', () => {
  const pairs: [string, readonly string[]][] = [
    ['Role', domain.ROLES],
    ['Sex', domain.SEXES],
    ['ChildPugh', domain.CHILD_PUGH_CLASSES],
    ['Bclc', domain.BCLC_STAGES],
    ['Modality', domain.MODALITIES],
    ['Timepoint', domain.TIMEPOINTS],
    ['Phase', domain.PHASES],
    ['Structure', domain.STRUCTURES],
    ['SegmentationSource', domain.SEGMENTATION_SOURCES],
    ['SegmentationStatus', domain.SEGMENTATION_STATUSES],
    ['ModelTask', domain.MODEL_TASKS],
    ['ModelStatus', domain.MODEL_STATUSES],
    ['ModelOrigin', domain.MODEL_ORIGINS],
    ['CohortSplit', domain.COHORT_SPLITS],
    ['MeetingStatus', domain.MEETING_STATUSES],
    ['DiscussionStatus', domain.DISCUSSION_STATUSES],
    ['TreatmentType', domain.TREATMENT_TYPES],
    ['JobState', domain.JOB_STATES],
    ['AuditOutcome', domain.AUDIT_OUTCOMES],
  ];
  it.each(pairs)('%s', (name, values) => {
    const e = (prismaEnums as Record<string, Record<string, string>>)[name];
    expect(e).toBeDefined();
    expect(Object.values(e!)).toEqual([...values]);
  });

  it('covers every enum of the schema', () => {
    const names = Object.keys(prismaEnums).filter((k) => typeof (prismaEnums as Record<string, unknown>)[k] === 'object');
    expect(names.sort()).toEqual(pairs.map((p) => p[0]).sort());
  });
});
