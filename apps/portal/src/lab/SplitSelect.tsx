'use client';

/** Which patients of a cohort a validation or comparison uses: every member, or only the VALIDATION split. */
export type CohortSplit = 'all' | 'VALIDATION';

/** The labelled "Patients" select shared by the validate form and the DeLong comparison. */
export function SplitSelect({ value, onChange }: { value: CohortSplit; onChange: (split: CohortSplit) => void }) {
  return (
    <label>
      Patients
      <select value={value} onChange={(e) => onChange(e.target.value as CohortSplit)}>
        <option value="all">All members</option>
        <option value="VALIDATION">VALIDATION split</option>
      </select>
    </label>
  );
}
