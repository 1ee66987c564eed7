/** The events on which a PR comment makes sense. */
export function isPullRequestEvent(eventName: string | null): boolean {
  return eventName === 'pull_request' || eventName === 'pull_request_target';
}
