import DroverCore
import DroverStore

/// The spans a job event closes: an attempt's when the job leaves STARTING or RUNNING with the attempt ended, the job's
/// own when it ends (SUCCEEDED or FAILED). Attributes are named after AWS's fields (`aws.batch.jobId`, ...).
enum JobSpans {
    /// Whether `event` may close a span: a job leaving STARTING or RUNNING, or ending (the others are passed over
    /// without reading their jobs).
    @Sendable static func mayClose(_ event: StoredEvent) -> Bool {
        event.kind == .state && (event.status.isTerminal || event.previous == .running || event.previous == .starting)
    }

    /// The spans `event` (with the job's detail as of it) closes, for a job whose trace is `trace`.
    static func spans(for event: StoredEvent, detail: JobDetailShape, trace: JobTrace, definition: String) -> [OTLPSpan] {
        guard event.kind == .state else { return [] }
        var spans: [OTLPSpan] = []
        var common = [OTLPAttribute("aws.batch.jobId", detail.jobId), OTLPAttribute("aws.batch.jobName", detail.jobName),
                      OTLPAttribute("aws.batch.jobQueue", event.queue), OTLPAttribute("aws.batch.jobDefinition", definition)]
        if let index = detail.arrayProperties?.index { common.append(OTLPAttribute("aws.batch.arrayProperties.index", index)) }
        let leftAttempt = event.previous == .starting || event.previous == .running
        if leftAttempt, event.status != .starting, event.status != .running, event.attempts > 0,
           detail.attempts.count == event.attempts, let attempt = detail.attempts.last, let stopped = attempt.stoppedAt {
            var attributes = common + [OTLPAttribute("aws.batch.attempt", event.attempts)]
            if let code = attempt.container.exitCode { attributes.append(OTLPAttribute("aws.batch.container.exitCode", Int(code))) }
            if let reason = attempt.container.reason { attributes.append(OTLPAttribute("aws.batch.container.reason", reason)) }
            if let reason = attempt.statusReason { attributes.append(OTLPAttribute("aws.batch.statusReason", reason)) }
            let succeeded = attempt.container.exitCode == 0
            spans.append(OTLPSpan(
                traceId: trace.traceId, spanId: trace.attemptSpanId(event.attempts), parentSpanId: trace.spanId,
                name: "attempt \(event.attempts) of \(detail.jobName)",
                startTimeUnixNano: nanos(attempt.startedAt ?? stopped), endTimeUnixNano: nanos(stopped), attributes: attributes,
                status: OTLPStatus(code: succeeded ? 1 : 2, message: succeeded ? nil : attempt.statusReason ?? attempt.container.reason)))
        }
        if event.status.isTerminal {
            var attributes = common + [OTLPAttribute("aws.batch.status", event.status.rawValue),
                                       OTLPAttribute("aws.batch.attempts", event.attempts)]
            if let reason = detail.statusReason { attributes.append(OTLPAttribute("aws.batch.statusReason", reason)) }
            if let size = detail.arrayProperties?.size { attributes.append(OTLPAttribute("aws.batch.arrayProperties.size", size)) }
            let succeeded = event.status == .succeeded
            spans.append(OTLPSpan(
                traceId: trace.traceId, spanId: trace.spanId, parentSpanId: trace.parentSpanId, name: detail.jobName,
                startTimeUnixNano: nanos(detail.createdAt), endTimeUnixNano: nanos(detail.stoppedAt ?? event.time),
                attributes: attributes, status: OTLPStatus(code: succeeded ? 1 : 2, message: succeeded ? nil : detail.statusReason)))
        }
        return spans
    }

    static func nanos(_ millis: EpochMillis) -> String {
        String(millis) + "000000"
    }
}
