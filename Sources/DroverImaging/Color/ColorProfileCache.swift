import Synchronization

/// Profiles checked once per distinct bytes and shared by every worker: a batch of phone photos carries the same few
/// profiles, so each is parsed, checked and turned into transforms once. Bounded: past `capacity` distinct profiles the
/// least recently used is dropped. Refused profiles are remembered too, so a bad profile costs one parse.
public final class ColorProfileCache: Sendable {
    /// The process-wide cache.
    public static let shared = ColorProfileCache(capacity: 32)

    /// Profile bytes with their hash computed once, outside the lock; equal keys have equal bytes.
    private struct Key: Hashable {
        let bytes: [UInt8]
        let hash: Int

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            var hasher = Hasher()
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
            hash = hasher.finalize()
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
        static func == (a: Key, b: Key) -> Bool { a.hash == b.hash && a.bytes == b.bytes }
    }

    private struct Entry {
        var profile: Result<ColorProfile, ImageError>
        var lastUse: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var clock: UInt64 = 0
    }

    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The checked profile for `bytes`, or why it is refused.
    public func profile(for bytes: [UInt8]) -> Result<ColorProfile, ImageError> {
        let key = Key(bytes)
        let found = state.withLock { state -> Result<ColorProfile, ImageError>? in
            state.clock += 1
            guard var entry = state.entries[key] else { return nil }
            entry.lastUse = state.clock
            state.entries[key] = entry
            return entry.profile
        }
        if let found { return found }
        // Checked outside the lock: two workers meeting a new profile at once may both check it; one entry is kept.
        let made: Result<ColorProfile, ImageError>
        do throws(ImageError) {
            made = .success(try ColorProfile(bytes: bytes))
        } catch {
            made = .failure(error)
        }
        let capacity = self.capacity
        return state.withLock { state in
            state.clock += 1
            if let other = state.entries[key] { return other.profile }
            if state.entries.count >= capacity, let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
                state.entries[oldest] = nil
            }
            state.entries[key] = Entry(profile: made, lastUse: state.clock)
            return made
        }
    }

    /// Number of profiles held.
    public var count: Int { state.withLock { $0.entries.count } }
}
