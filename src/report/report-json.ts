// A report read back from report.json (another run's artifact), as the renderers take it.
import { change, type Change } from '../engine/compare.js';
import type { ReportComparison } from './comparison.js';
import type { Report } from './report.js';
import type { ReportJson } from './schema.js';

/**
 * The in-memory report of a schema-valid report.json. Fields later versions added are filled
 * with their "none"; numbers JSON wrote as null (non-finite) stay null, which every renderer
 * shows as "—".
 */
export function reportFromJson(json: ReportJson): Report {
  const filled = {
    ...json,
    subjectName: json.subjectName ?? null,
    comparison: comparisonFromJson(json.comparison ?? null),
  };
  // The schema is Report with non-finite numbers nullable; renderers read those through
  // displayNumber/plainNumber, which take null.
  return filled as unknown as Report;
}

/**
 * The comparison with each change worked out again from its two figures: JSON wrote a cost new
 * from zero (percent Infinity) as null, which would read as "0%".
 */
function comparisonFromJson(json: ReportJson['comparison'] | null): ReportComparison | null {
  if (!json?.result) return json ?? null;
  const again = (c: { previous: number; current: number }): Change => change(c.previous, c.current);
  const r = json.result;
  const result = {
    ...r,
    projected: again(r.projected),
    upper: again(r.upper),
    perRecord: again(r.perRecord),
    recordCount: again(r.recordCount),
  };
  return { ...json, result };
}
