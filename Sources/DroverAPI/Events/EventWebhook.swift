import DroverCore
import DroverEngine
import Foundation
import Logging

/// `drover serve --events-webhook URL`: POSTs every job event to `URL`, one event (EventBridge's JSON) per request, in
/// the store's order (so in order per job), each until the receiver takes it (any 2xx), trying again with a back-off
/// while it cannot be reached or answers 5xx, 408 or 429 (``EventDelivery``): every event is delivered at least once.
public enum EventWebhook {
    /// The delivery of `shapes`' store's events to `url` (checked with ``PlainHTTPClient/accepts(_:)``).
    public static func delivery(url: String, shapes: EventShapes, logger: Logger) -> EventDelivery {
        let client = PlainHTTPClient(server: url)
        let path = URLComponents(string: url).flatMap { $0.percentEncodedPath.isEmpty ? nil : $0.percentEncodedPath } ?? "/"
        return EventDelivery(consumer: "webhook " + url, shapes: shapes, pageSize: 200, logger: logger) { page, stopped in
            var taken: Int64?
            for item in page {
                // A slow receiver must not hold a stopping server for the rest of the page.
                if stopped() { return .notTaken(upTo: taken) }
                let outcome = client.send("POST", path, body: EventShapes.json(item.event), timeout: 10)
                switch DeliveryDecision.after(outcome) {
                case .delivered: break
                case .refused:
                    logger.error("events webhook \(url) refused event \(item.event.id) with \(outcome.summary); it is not sent again")
                case .retry:
                    logger.debug("events webhook \(url): \(outcome.summary)")
                    return .notTaken(upTo: taken)
                }
                taken = item.sequence
            }
            return .taken
        }
    }
}

extension DeliveryDecision {
    /// The decision for what a request came to.
    static func after(_ outcome: PlainHTTPClient.Outcome) -> DeliveryDecision {
        switch outcome {
        case .answered(let status, _): after(status: status)
        case .unreachable: after(status: nil)
        }
    }
}

extension PlainHTTPClient.Outcome {
    /// `HTTP 503`, or why the server could not be reached.
    var summary: String {
        switch self {
        case .answered(let status, _): "HTTP \(status)"
        case .unreachable(let why): why
        }
    }
}
