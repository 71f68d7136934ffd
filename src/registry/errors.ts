/** Registry errors, tagged so they cross the wire (a server answers 404 and 409 with them). */

export class WorkflowNotFound extends Error {
  readonly _tag = "WorkflowNotFound";
  override name = "WorkflowNotFound";
}

/** A saved version is immutable: different content under the same version. */
export class VersionConflict extends Error {
  readonly _tag = "VersionConflict";
  override name = "VersionConflict";
}
