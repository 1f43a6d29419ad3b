import Foundation

/// A small, fast random number generator (SplitMix64) whose whole sequence follows from its seed,
/// so that a simulation run with the same seed draws the same numbers.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Starts the sequence of `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// Starts a sequence of its own for `name` under `seed` (one per compute environment).
    public init(seed: UInt64, stream name: String) {
        state = seed ^ FNV1a.hash(name)
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A uniform draw in (0, 1].
    public mutating func unit() -> Double {
        Double((next() >> 11) + 1) / Double(1 << 53)
    }

    /// A draw from the exponential distribution with `rate` per unit (infinity when the rate is 0).
    public mutating func exponential(rate: Double) -> Double {
        let draw = unit()
        guard rate > 0 else { return .infinity }
        return -log(draw) / rate
    }

    /// An EC2-style instance id: `i-` and 17 hexadecimal digits.
    public mutating func instanceID() -> String {
        let high = String(next(), radix: 16)
        let low = String(next() & 0xf, radix: 16)
        return "i-" + String(repeating: "0", count: 16 - high.count) + high + low
    }
}
