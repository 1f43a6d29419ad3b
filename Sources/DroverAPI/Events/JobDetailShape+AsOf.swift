import DroverCore
import DroverStore

extension JobDetailShape {
    /// The detail as it was when `event` happened, from the job as it is now: the event's status and reason, the
    /// attempts made by then (the last one still under way while the job was STARTING or RUNNING), and no end or exit
    /// before the job ended, and an end the job has since left (retried) as it was. An array parent's `statusSummary` is
    /// its children's now.
    func asOf(_ event: StoredEvent) -> JobDetailShape {
        var detail = self
        detail.status = event.status.rawValue
        detail.statusReason = JobRecord.statusReason(stored: event.statusReason, status: event.status,
                                                     isParent: arrayProperties?.size != nil, attempts: event.attempts)
        detail.attempts = Array(attempts.prefix(max(0, event.attempts)))
        let underWay = event.status == .starting || event.status == .running
        if underWay, !detail.attempts.isEmpty, detail.attempts.count == event.attempts {
            let last = detail.attempts.count - 1
            detail.attempts[last].stoppedAt = nil
            detail.attempts[last].statusReason = nil
            detail.attempts[last].container.exitCode = nil
            detail.attempts[last].container.reason = nil
        }
        if !event.status.isTerminal {
            detail.stoppedAt = nil
            detail.container.exitCode = nil
            detail.container.reason = nil
            detail.isCancelled = nil
            detail.isTerminated = nil
        }
        if !(event.status == .running || event.status.isTerminal) { detail.startedAt = nil }
        // An end the job has since left (`drover retry-failed` put it back): as the event and its attempts then tell it.
        let leftSince = JobStatus(rawValue: status).map { !$0.isTerminal } ?? true || attempts.count > event.attempts
        if event.status.isTerminal, leftSince {
            let lastThen = detail.attempts.last
            detail.startedAt = lastThen?.startedAt
            detail.stoppedAt = event.time
            detail.container.exitCode = lastThen?.container.exitCode
            detail.container.reason = lastThen?.container.reason
            detail.isCancelled = nil
            detail.isTerminated = nil
        }
        let last = detail.attempts.last?.container
        detail.container.taskArn = last?.taskArn
        detail.container.logStreamName = last?.logStreamName
        return detail
    }
}
