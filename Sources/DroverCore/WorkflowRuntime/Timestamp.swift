import Foundation

/// Times as Amazon States Language writes them: RFC 3339 in UTC with milliseconds (`2026-12-01T05:00:00.000Z`).
public enum Timestamp {
    /// `millis` as text.
    public static func text(_ millis: EpochMillis) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
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
