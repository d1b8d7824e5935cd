/** Input the simulator can't accept (bad JSON, wrong shape, malformed ids): HTTP 400 on the control API. */
export class SimInputError extends Error {
  override name = "SimInputError";
}

/** A well-formed request the current state makes impossible (e.g. a phone logoff of an agent not logged in): HTTP 409. */
export class SimConflictError extends Error {
  override name = "SimConflictError";
}
