/// The status AWS shows for an array job's parent, computed from its children.
public enum ArrayStatus {
    /// The parent's status: PENDING while any child is unfinished, then SUCCEEDED if every child
    /// succeeded, else FAILED.
    public static func parentStatus(size: Int, succeeded: Int, failed: Int) -> JobStatus {
        guard succeeded.adding(saturating: failed) >= size else { return .pending }
        return failed == 0 ? .succeeded : .failed
    }

    /// `statusSummary`: a count for each of the seven states (zero included), from per-status counts.
    public static func summary(_ counts: [JobStatus: Int]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: JobStatus.allCases.map { ($0.rawValue, counts[$0] ?? 0) })
    }
}

/// Whether a job waiting on dependencies may run.
public enum DependencyDecision: Sendable, Equatable {
    /// Something it waits for is not finished.
    case wait
    /// Everything it waits for succeeded: it becomes RUNNABLE.
    case release
    /// Something it waits for failed: it fails with `Dependent Job failed`.
    case fail

    /// Decides from the statuses of everything the job waits for (nil: no such job, treated as failed).
    public static func decide(_ statuses: [JobStatus?]) -> DependencyDecision {
        var waiting = false
        for status in statuses {
            switch status {
            case .failed?, nil: return .fail
            case .succeeded?: continue
            default: waiting = true
            }
        }
        return waiting ? .wait : .release
    }
}
