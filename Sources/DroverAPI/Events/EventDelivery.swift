import DroverCore
import DroverStore
import Foundation
import Logging
import Synchronization

/// Walks the store's events in order for a consumer that must not miss one (a webhook, an OTLP collector), handing
/// them to `send` a page at a time and trying again with a back-off what it could not send. `send` is also handed a
/// check of whether ``stop()`` was called, so that a page sent one request at a time ends with the request under way. How far it got is kept in
/// the store (`event_cursor`, under the consumer's name), so a restarted server goes on from there: every event is sent
/// at least once, in order.
public final class EventDelivery: Sendable {
    /// What became of a page.
    public enum Outcome: Sendable {
        /// All of it was taken (or refused for good).
        case taken
        /// Not all: the events up to `upTo` (none when nil) were taken; the rest is sent again after a back-off.
        case notTaken(upTo: Int64?)
    }

    /// The name its place is kept under.
    public let consumer: String
    let shapes: EventShapes
    let pageSize: Int
    let logger: Logger
    let send: @Sendable ([EventFeed.Item], _ stopped: @Sendable () -> Bool) -> Outcome
    let wants: @Sendable (StoredEvent) -> Bool
    let stopped = Mutex(false)
    let wake = NSCondition()

    /// A delivery of `shapes`' store's events that `wants` keeps to `send`, `pageSize` at a time, its place kept as
    /// `consumer`.
    public init(consumer: String, shapes: EventShapes, pageSize: Int, logger: Logger,
                wants: @escaping @Sendable (StoredEvent) -> Bool = { _ in true },
                send: @escaping @Sendable ([EventFeed.Item], _ stopped: @Sendable () -> Bool) -> Outcome) {
        self.wants = wants
        self.consumer = consumer
        self.shapes = shapes
        self.pageSize = pageSize
        self.logger = logger
        self.send = send
    }

    /// Sends events until ``stop()``; store errors are waited out like unreachable receivers.
    public func run() {
        let store = shapes.jobs.store
        var feed: EventFeed?
        var taken: Int64 = 0
        var failures = 0
        while !isStopped {
            do {
                if feed == nil {
                    taken = try store.eventCursor(consumer)
                    feed = EventFeed(shapes: shapes, query: EventQuery(after: taken, limit: pageSize), wants: wants)
                }
                guard var current = feed else { continue }
                // Behind the events' retention, when it starts or while the receiver is down: told, and past them.
                if let missed = try current.skipForgotten() {
                    logger.warning("\(consumer): \(missed) events were forgotten before they could be sent")
                    taken = max(taken, current.query.after ?? 0)
                }
                let page = try current.next()
                feed = current
                let read = current.query.after ?? taken
                if page.isEmpty {
                    // Nothing new, or only events this consumer passes over.
                    if read > taken {
                        taken = read
                        try store.setEventCursor(consumer, to: taken)
                    }
                    if current.isCaughtUp { pause(0.2) }
                    continue
                }
                switch send(page, { self.isStopped }) {
                case .taken:
                    failures = 0
                    taken = read
                case .notTaken(let upTo):
                    if let upTo { taken = max(taken, upTo) }
                    current.resume(after: taken)
                    feed = current
                    failures += 1
                    pause(DeliveryDecision.backoff(failures: failures))
                }
                // At least once: the place is kept after the sending; a crash in between sends them again.
                try store.setEventCursor(consumer, to: taken)
            } catch {
                logger.warning("\(consumer): \(error.message)")
                feed = nil
                pause(1)
            }
        }
        if taken > 0 { try? store.setEventCursor(consumer, to: taken) }
    }

    /// Asks ``run()`` to end (after the sending under way).
    public func stop() {
        stopped.withLock { $0 = true }
        wake.lock()
        wake.broadcast()
        wake.unlock()
    }

    /// Whether ``stop()`` was called.
    public var isStopped: Bool { stopped.withLock { $0 } }

    /// Waits `seconds`, or less when stopped.
    func pause(_ seconds: Double) {
        wake.lock()
        if !isStopped { _ = wake.wait(until: Date().addingTimeInterval(seconds)) }
        wake.unlock()
    }
}
