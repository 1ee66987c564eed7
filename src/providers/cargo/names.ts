// A Cargo workflow's human name ("Enrich inbound leads"), for reports. Cargo's workflows carry no
// name; the play or tool that runs one does (shared/reference/cargo-api.md, endpoint 16). The
// two lists are read at once and the first that names the workflow answers. Only a report reads
// it, so a failure costs the name and nothing else: one debug line, never a warning.
import { describeError } from '../../shared/errors.js';
import type { Log } from '../../shared/log.js';
import type { NamedWorkflow } from './schemas.js';

/** The two list calls of the client, as the look-up needs them. */
export interface NameLists {
  listPlays(signal: AbortSignal): Promise<NamedWorkflow[]>;
  listTools(signal: AbortSignal): Promise<NamedWorkflow[]>;
}

/** The name of the play or tool that runs `workflowUuid`; null when none does or neither list could be read. */
export function lookUpWorkflowName(
  lists: NameLists,
  workflowUuid: string,
  signal: AbortSignal,
  log: Log,
): Promise<string | null> {
  const nameIn = (list: Promise<NamedWorkflow[]>, what: string) =>
    list.then(
      (entries) => entries.find((e) => e.workflowUuid === workflowUuid && e.name.trim() !== ''),
      (error: unknown) => {
        if (!signal.aborted)
          log.debug(
            `Could not read the ${what} list for the workflow's name: ${describeError(error)}`,
          );
        return undefined;
      },
    );
  const lookups = [
    nameIn(lists.listPlays(signal), 'plays'),
    nameIn(lists.listTools(signal), 'tools'),
  ];
  return new Promise((resolve) => {
    let pending = lookups.length;
    for (const lookup of lookups) {
      void lookup.then((found) => {
        pending -= 1;
        if (found) resolve(found.name.trim());
        else if (pending === 0) resolve(null);
      });
    }
  });
}
