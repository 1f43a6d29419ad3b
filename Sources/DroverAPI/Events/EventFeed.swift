import DroverCore
import DroverStore

/// Reads the store's events in order, a page at a time, from where its reader left off: what `drover events
/// --follow`, `GET /v1/events` and the webhook deliveries each walk through.
public struct EventFeed: Sendable {
    /// The store's events, converted.
    public let shapes: EventShapes
    /// Which events, and where the next page starts (`after`).
    public private(set) var query: EventQuery

    /// A feed of the events `query` selects, starting after `query.after`.
    public init(shapes: EventShapes, query: EventQuery) {
        self.shapes = shapes
        self.query = query
    }

    /// The next events (at most `query.limit`), each with its number in the store; empty when none is new.
    public mutating func next() throws(DroverError) -> [(sequence: Int64, event: BatchEvent)] {
        let stored = try shapes.jobs.store.events(query)
        guard let last = stored.last else { return [] }
        query.after = last.id
        let events = try shapes.events(stored)
        var bySequence: [String: Int64] = [:]
        for item in stored { bySequence[BatchEvent.id(of: item.id)] = item.id }
        return events.map { (bySequence[$0.id] ?? last.id, $0) }
    }

    /// When the feed starts after an event older than the oldest kept, how many were forgotten in between (a consumer
    /// that was away longer than events are kept); nil when none was.
    public func forgotten() throws(DroverError) -> Int64? {
        guard let after = query.after, let range = try shapes.jobs.store.eventRange(), after < range.oldest - 1 else { return nil }
        return range.oldest - 1 - after
    }
}
