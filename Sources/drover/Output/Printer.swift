import DroverCore
import Foundation

/// Writes tables and JSON to standard output, messages to standard error (through ``OutputFile``, so a
/// closed pipe or a full disk is an error).
enum Printer {
    /// Prints rows as aligned columns under a header.
    static func table(_ header: [String], _ rows: [[String]]) throws(DroverError) {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        var text = line(header) + "\n"
        for row in rows { text += line(row) + "\n" }
        try OutputFile.standardOutput.write(text)
    }

    /// Prints a value as pretty JSON with sorted keys.
    static func json<T: Encodable>(_ value: T) throws(DroverError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("null".utf8)
        try OutputFile.standardOutput.write(String(decoding: data, as: UTF8.self) + "\n")
    }

    /// Prints a line to standard output.
    static func out(_ text: String) throws(DroverError) {
        try OutputFile.standardOutput.write(text + "\n")
    }

    /// Prints a line to standard error.
    static func note(_ text: String) throws(DroverError) {
        try OutputFile.standardError.write(text + "\n")
    }

    /// `Key:   value` lines with the values aligned.
    static func fields(_ lines: [(String, String)]) throws(DroverError) {
        let width = lines.map(\.0.count).max() ?? 0
        try OutputFile.standardOutput.write(lines.map { key, value in
            (key + ":").padding(toLength: width + 2, withPad: " ", startingAt: 0) + value + "\n"
        }.joined())
    }

    /// Epoch milliseconds as RFC 3339 in UTC with milliseconds, as Step Functions writes times.
    static func isoTime(_ millis: EpochMillis) -> String {
        Timestamp.text(millis)
    }

    /// Epoch milliseconds as local `YYYY-MM-DD HH:MM:SS`.
    static func time(_ millis: EpochMillis?) -> String {
        guard let millis else { return "-" }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }

    /// A duration such as `1.2s`, `3m04s`, `2h05m`.
    static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        if seconds < 3600 { return String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60) }
        return String(format: "%dh%02dm", Int(seconds) / 3600, Int(seconds) % 3600 / 60)
    }
}
