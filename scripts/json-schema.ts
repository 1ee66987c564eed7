// `npm run schema`: regenerates schema/report.schema.json from the zod schema of the report.
import { writeFileSync } from 'node:fs';
import { reportJsonSchema } from '../src/report/schema.js';

writeFileSync('schema/report.schema.json', `${JSON.stringify(reportJsonSchema(), null, 2)}\n`);
