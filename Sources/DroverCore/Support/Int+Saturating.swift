extension Int {
    /// `value` rounded toward zero, held at `Int.min`/`Int.max` when it is beyond them, and 0 for NaN:
    /// the conversion for numbers that come from stored or user-given values, which `Int(_:)` would
    /// trap on.
    public init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= 9_223_372_036_854_775_807.0 {
            self = .max
        } else if value <= -9_223_372_036_854_775_808.0 {
            self = .min
        } else {
            self = Int(value)
        }
    }

    /// `self + other`, held at `Int.min`/`Int.max` instead of trapping on overflow.
    public func adding(saturating other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// Adds `other`, held at `Int.min`/`Int.max` instead of trapping on overflow.
    public mutating func add(saturating other: Int) {
        self = adding(saturating: other)
    }
}
