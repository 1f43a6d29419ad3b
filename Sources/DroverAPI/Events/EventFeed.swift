import DroverCore
import DroverStore

/// Reads the store's events in order, a page at a time, from where its reader left off: what `drover events
/// --follow`, `GET /v1/events` and the webhook deliveries each walk through.
public struct EventFeed: Sendable {
    /// The store's events, converted.
    public let shapes: EventShapes
    /// Which events, and where the next page starts (`after`).
    public private(set) var query: EventQuery
    /// Which of them its reader wants shown (the others are passed over without reading their jobs).
    let wants: @Sendable (StoredEvent) -> Bool
    /// Whether the last ``next()`` read every event there was.
    public private(set) var isCaughtUp = true

    /// A feed of the events `query` selects and `wants` keeps, starting after `query.after`.
    public init(shapes: EventShapes, query: EventQuery, wants: @escaping @Sendable (StoredEvent) -> Bool = { _ in true }) {
        self.shapes = shapes
        self.query = query
        self.wants = wants
    }

    /// One event, as stored and as shown.
    public struct Item: Sendable {
        /// Its number in the store.
        public var sequence: Int64 { stored.id }
        /// As the store keeps it.
        public var stored: StoredEvent
        /// In EventBridge's shape.
        public var event: BatchEvent
    }

    /// The next events it wants, out of at most `query.limit`; empty when none is new (``isCaughtUp`` tells whether
    /// there may be more). The feed goes on after the newest event looked through, which for a feed narrowed to a job
    /// or queue, or to the events it wants, may be past the last one it gave.
    public mutating func next() throws(DroverError) -> [Item] {
        let (all, lookedThrough) = try shapes.jobs.store.eventPage(query)
        isCaughtUp = all.count < max(1, query.limit)
        if let lookedThrough { query.after = max(query.after ?? 0, lookedThrough) }
        let stored = all.filter(wants)
        guard !stored.isEmpty else { return [] }
        let events = try shapes.events(stored)
        var byId: [String: StoredEvent] = [:]
        for item in stored { byId[BatchEvent.id(of: item.id)] = item }
        return events.compactMap { event in byId[event.id].map { Item(stored: $0, event: event) } }
    }

    /// Goes on after event `sequence` (a consumer that must see again what it did not take).
    public mutating func resume(after sequence: Int64) {
        query.after = sequence
    }

    /// Moves the feed past the events forgotten since its place (a consumer further behind than events are kept, when
    /// it starts or at any time after), so that each is counted once; gives how many, nil when none was.
    public mutating func skipForgotten() throws(DroverError) -> Int64? {
        guard let missed = try forgotten() else { return nil }
        query.after = (query.after ?? 0) + missed
        return missed
    }

    /// When the feed starts after an event older than the oldest kept, how many were forgotten in between (a consumer
    /// that was away longer than events are kept); nil when none was.
    public func forgotten() throws(DroverError) -> Int64? {
        guard let after = query.after, let range = try shapes.jobs.store.eventRange(), after < range.oldest - 1 else { return nil }
        return range.oldest - 1 - after
    }
}
