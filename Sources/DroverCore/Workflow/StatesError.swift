/// An error raised while a state runs, as Amazon States Language names it: `States.TaskFailed`, `States.Timeout`, a
/// service's own (`Batch.ClientException`)... with a cause in words. Retriers and catchers match on ``error``.
public struct StatesError: Error, Sendable, Equatable, Codable {
    /// The error name (case-sensitive).
    public var error: String
    /// What happened, for a person (for a failed batch job: the job as `DescribeJobs` shows it, as JSON text).
    public var cause: String

    /// Creates an error named `error`.
    public init(_ error: String, _ cause: String) {
        self.error = error
        self.cause = cause
    }

    /// Matches any error but ``runtime`` and ``dataLimitExceeded`` in `ErrorEquals`; alone and last when given.
    public static let all = "States.ALL"
    /// A task failed; in `ErrorEquals` it matches any error but ``timeout`` (and ``heartbeatTimeout``), ``runtime`` and
    /// ``dataLimitExceeded``.
    public static let taskFailed = "States.TaskFailed"
    /// A task ran longer than its `TimeoutSeconds`, or the execution longer than the machine's.
    public static let timeout = "States.Timeout"
    /// A task sent no heartbeat for longer than its `HeartbeatSeconds` (for a batch job: it did not change state): a
    /// kind of ``timeout``, which names it too in `ErrorEquals`.
    public static let heartbeatTimeout = "States.HeartbeatTimeout"
    /// Something the execution cannot go on from (a path on a missing field of InputPath or OutputPath...): never
    /// retried nor caught, even by `States.ALL`.
    public static let runtime = "States.Runtime"
    /// A value too large to pass on: never retried nor caught.
    public static let dataLimitExceeded = "States.DataLimitExceeded"
    /// A `.$` field of `Parameters`, `ItemSelector` or `ResultSelector` names a path that is not in the input.
    public static let parameterPathFailure = "States.ParameterPathFailure"
    /// `ResultPath` cannot be set in the state's input.
    public static let resultPathMatchFailure = "States.ResultPathMatchFailure"
    /// An intrinsic function was given arguments it cannot work on.
    public static let intrinsicFailure = "States.IntrinsicFailure"
    /// No rule of a `Choice` state matched and it has no `Default`.
    public static let noChoiceMatched = "States.NoChoiceMatched"
    /// A branch of a `Parallel` state failed.
    public static let branchFailed = "States.BranchFailed"

    /// True when nothing can retry or catch this error: the execution fails.
    public var isTerminal: Bool { error == Self.runtime || error == Self.dataLimitExceeded }
}
