/// A map that holds at most `capacity` entries and at most `costLimit` of their summed costs (say,
/// bytes): storing one more forgets the oldest (first stored) until both hold.
///
/// Keeps a long-lived process's memory flat however many keys pass through it, and however large
/// their values are; a forgotten entry is simply looked up again by the caller.
struct BoundedCache<Key: Hashable, Value> {
    /// The most entries kept.
    let capacity: Int
    /// The most summed cost kept (an entry costing more than this is not kept at all).
    let costLimit: Int
    private var entries: [Key: (value: Value, cost: Int)] = [:]
    private var order: [Key] = []
    private(set) var totalCost = 0

    /// An empty cache of at most `capacity` (at least 1) entries costing at most `costLimit` in all.
    init(capacity: Int, costLimit: Int = .max) {
        self.capacity = max(1, capacity)
        self.costLimit = max(0, costLimit)
    }

    /// The number of entries held.
    var count: Int { entries.count }

    /// The value stored for `key`, if still held; storing a value (cost 0) may forget the oldest entry.
    subscript(key: Key) -> Value? {
        get { entries[key]?.value }
        set {
            if let newValue { insert(newValue, for: key, cost: 0) } else { remove(key) }
        }
    }

    /// Stores `value` for `key` at `cost`, forgetting the oldest entries while over a limit.
    mutating func insert(_ value: Value, for key: Key, cost: Int) {
        remove(key)
        guard cost <= costLimit else { return }
        entries[key] = (value, cost)
        order.append(key)
        totalCost += cost
        while order.count > capacity || totalCost > costLimit {
            remove(order[0])
        }
    }

    /// Forgets `key`.
    mutating func remove(_ key: Key) {
        guard let old = entries.removeValue(forKey: key) else { return }
        totalCost -= old.cost
        if let index = order.firstIndex(of: key) { order.remove(at: index) }
    }
}
