/// What a job queue's `jobStateTimeLimitActions` do to one job, as AWS Batch does it: a job that has
/// been RUNNABLE with a status reason for more than an action's `maxTimeSeconds` is cancelled (or
/// terminated) with AWS's own status reason for it.
public enum TimeLimitDecision: Sendable, Equatable {
    /// No action applies (yet).
    case keep
    /// `CancelJob` with this statusReason (`Canceled by JobStateTimeLimit action due to reason: CODE`).
    case cancel(statusReason: String)
    /// `TerminateJob` with this statusReason (`Terminated by JobStateTimeLimit action due to reason: CODE`);
    /// on a RUNNABLE job it cancels too.
    case terminate(statusReason: String)

    /// Decides for a job in `status` whose current `statusReason` was given at `reasonSince`
    /// (epoch ms), at `now`.
    ///
    /// An action applies when its `state` is the job's status (RUNNABLE), its `reason` is the code
    /// the job's reason starts with (`MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT` matches
    /// `MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement ...`; a reason
    /// without a code matches only itself), and `maxTimeSeconds` have passed since the reason was
    /// given. Of the actions that apply, the one with the shortest time acted first.
    public static func decide(actions: [JobStateTimeLimitAction], status: JobStatus, statusReason: String?, reasonSince: EpochMillis?,
                              now: EpochMillis) -> TimeLimitDecision {
        guard let statusReason, let reasonSince else { return .keep }
        let key = RunnableReason.code(of: statusReason) ?? statusReason
        // In doubles: stored times and limits never trap, however odd.
        let elapsed = (Double(now) - Double(reasonSince)) / 1000
        let due = actions.filter { $0.state == status.rawValue && $0.reason == key && elapsed >= Double($0.maxTimeSeconds) }
        guard let first = due.min(by: { $0.maxTimeSeconds < $1.maxTimeSeconds }) else { return .keep }
        switch first.action {
        case "TERMINATE": return .terminate(statusReason: "Terminated by JobStateTimeLimit action due to reason: \(first.reason)")
        default: return .cancel(statusReason: "Canceled by JobStateTimeLimit action due to reason: \(first.reason)")
        }
    }
}
