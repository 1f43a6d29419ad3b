/// What a webhook delivery's answer means for the event, and how long to wait before trying again.
public enum WebhookDecision: Equatable, Sendable {
    /// Taken: go on with the next event.
    case delivered
    /// Refused for good (a 4xx other than 408 and 429: the receiver will never take it): log it and go on.
    case refused
    /// Not taken this time (unreachable, 5xx, 408, 429): try the same event again after a back-off.
    case retry

    /// The decision for an HTTP `status`, or nil when the receiver could not be reached.
    public static func after(status: Int?) -> WebhookDecision {
        guard let status else { return .retry }
        switch status {
        case 200..<300: return .delivered
        case 408, 429: return .retry
        case 400..<500: return .refused
        default: return .retry
        }
    }

    /// Seconds to wait after `failures` failed tries in a row (1 or more): half a second, doubling, at most 30.
    public static func backoff(failures: Int) -> Double {
        min(30, 0.5 * Double(1 << min(max(failures, 1) - 1, 10)))
    }
}
