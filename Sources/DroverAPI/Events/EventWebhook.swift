import DroverCore
import DroverEngine
import DroverStore
import Foundation
import Logging
import Synchronization

/// `drover serve --events-webhook URL`: POSTs every job event to `URL`, one event (EventBridge's JSON) per request,
/// in the store's order (so in order per job), each until the receiver takes it (any 2xx), trying again with a
/// back-off while it cannot be reached or answers 5xx, 408 or 429. How far it got is kept in the store (`event_cursor`),
/// so a restarted server goes on from there: every event is delivered at least once.
public final class EventWebhook: Sendable {
    /// Where events go.
    public let url: String
    let feedStart: EventFeed
    let client: PlainHTTPClient
    let path: String
    let logger: Logger
    let stopped = Mutex(false)
    let wake = NSCondition()

    /// A webhook posting `shapes`' store's events to `url` (checked with ``PlainHTTPClient/accepts(_:)``).
    public init(url: String, shapes: EventShapes, logger: Logger) {
        self.url = url
        let parts = URLComponents(string: url)
        path = (parts?.percentEncodedPath).flatMap { $0.isEmpty ? nil : $0 } ?? "/"
        client = PlainHTTPClient(server: url)
        feedStart = EventFeed(shapes: shapes, query: EventQuery(limit: 200))
        self.logger = logger
    }

    /// The name its place is kept under in the store.
    var consumer: String { "webhook " + url }

    /// Delivers events until ``stop()``; store errors are waited out like unreachable receivers.
    public func run() {
        let store = feedStart.shapes.jobs.store
        var feed = feedStart
        var failures = 0
        var taken: Int64 = 0
        while !isStopped {
            do {
                if taken == 0 {
                    taken = try store.eventCursor(consumer)
                    feed = EventFeed(shapes: feedStart.shapes, query: EventQuery(after: taken, limit: 200))
                    if let missed = try feed.forgotten() {
                        logger.warning("events webhook \(url): \(missed) events were forgotten before they could be delivered")
                    }
                }
                let page = try feed.next()
                if page.isEmpty {
                    pause(0.2)
                    continue
                }
                for item in page {
                    while !isStopped {
                        if deliver(item.event) { break }
                        failures += 1
                        pause(WebhookDecision.backoff(failures: failures))
                    }
                    if isStopped { break }
                    failures = 0
                    taken = item.sequence
                }
                // At least once: the place is kept after the deliveries; a crash in between sends them again.
                try store.setEventCursor(consumer, to: taken)
            } catch {
                logger.warning("events webhook \(url): \(error.message)")
                pause(1)
            }
        }
        if taken > 0 { try? store.setEventCursor(consumer, to: taken) }
    }

    /// Sends one event; true when the receiver took it or refused it for good.
    func deliver(_ event: BatchEvent) -> Bool {
        let outcome = client.send("POST", path, body: EventShapes.json(event), timeout: 10)
        let status: Int?
        switch outcome {
        case .answered(let code, _): status = code
        case .unreachable(let why):
            status = nil
            logger.debug("events webhook \(url): \(why)")
        }
        switch WebhookDecision.after(status: status) {
        case .delivered: return true
        case .refused:
            logger.error("events webhook \(url) refused event \(event.id) with HTTP \(status ?? 0); it is not sent again")
            return true
        case .retry: return false
        }
    }

    /// Asks ``run()`` to end (after the request under way).
    public func stop() {
        stopped.withLock { $0 = true }
        wake.lock()
        wake.broadcast()
        wake.unlock()
    }

    var isStopped: Bool { stopped.withLock { $0 } }

    /// Waits `seconds`, or less when stopped.
    func pause(_ seconds: Double) {
        wake.lock()
        if !isStopped { _ = wake.wait(until: Date().addingTimeInterval(seconds)) }
        wake.unlock()
    }
}
