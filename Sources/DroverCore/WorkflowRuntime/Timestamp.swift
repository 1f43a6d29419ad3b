import Foundation

/// Times as Amazon States Language writes them: RFC 3339 in UTC with milliseconds (`2026-12-01T05:00:00.000Z`).
public enum Timestamp {
    /// `millis` as text (written directly: a date formatter costs more than the step that needs the time).
    public static func text(_ millis: EpochMillis) -> String {
        var seconds = time_t(millis.floorDivided(by: 1000))
        let fraction = Int(millis - EpochMillis(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let milliseconds = fraction < 10 ? "00\(fraction)" : fraction < 100 ? "0\(fraction)" : "\(fraction)"
        let year = String(Int(parts.tm_year) + 1900)
        return "\(String(repeating: "0", count: max(0, 4 - year.count)))\(year)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(milliseconds)Z"
    }

    /// The epoch milliseconds of an RFC 3339 timestamp (with or without a fraction, any offset); nil when `text` is not one.
    public static func millis(_ text: String) -> EpochMillis? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return EpochMillis((date.timeIntervalSince1970 * 1000).rounded()) }
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return EpochMillis((date.timeIntervalSince1970 * 1000).rounded()) }
        return nil
    }
}

extension EpochMillis {
    /// The quotient rounded down (toward minus infinity).
    func floorDivided(by divisor: EpochMillis) -> EpochMillis {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
