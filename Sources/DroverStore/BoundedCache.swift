/// A map that holds at most `capacity` entries: storing one more forgets the oldest (first stored).
///
/// Keeps a long-lived process's memory flat however many keys pass through it; a forgotten entry is simply
/// looked up again by the caller.
struct BoundedCache<Key: Hashable, Value> {
    /// The most entries kept.
    let capacity: Int
    private var entries: [Key: Value] = [:]
    private var order: [Key] = []

    /// An empty cache of at most `capacity` (at least 1) entries.
    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The number of entries held.
    var count: Int { entries.count }

    /// The value stored for `key`, if still held; storing a value may forget the oldest entry.
    subscript(key: Key) -> Value? {
        get { entries[key] }
        set {
            guard let newValue else {
                if entries.removeValue(forKey: key) != nil { order.removeAll { $0 == key } }
                return
            }
            if entries.updateValue(newValue, forKey: key) == nil { order.append(key) }
            if order.count > capacity { entries[order.removeFirst()] = nil }
        }
    }
}
