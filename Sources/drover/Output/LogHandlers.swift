import Foundation
import Logging
import Synchronization

/// A swift-log handler that writes one line per entry to standard error, as text for people or as
/// a JSON object for containers (``LogLine``).
///
/// Lines go through ``OutputFile/standardError``: a closed or full standard error never traps; its
/// first failure is remembered and fails the command when it ends, and later lines are dropped.
struct StandardErrorLogHandler: LogHandler {
    /// One line is written at a time, whichever thread logs.
    private static let writing = Mutex(())

    let label: String
    let format: LogFormat
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, format: LogFormat) {
        self.label = label
        self.format = format
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let own = event.metadata { merged.merge(own) { $1 } }
        let time = LogLine.timestamp(Date())
        let line = switch format {
        case .text: LogLine.text(time: time, level: event.level, label: label, message: event.message.description, metadata: merged)
        case .json: LogLine.json(time: time, level: event.level, label: label, message: event.message.description, metadata: merged)
        }
        Self.writing.withLock { _ in _ = try? OutputFile.standardError.write(line + "\n") }
    }
}

/// How one log entry is written: pure functions of its parts, metadata keys sorted.
enum LogLine {
    /// `2026-11-30T12:00:00.123Z info drover: MESSAGE key=value key="two words"`.
    static func text(time: String, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var line = "\(time) \(level.rawValue) \(label): \(escapeControls(message))"
        for key in metadata.keys.sorted() {
            line += " \(key)=\(textValue(metadata[key]!))"
        }
        return line
    }

    /// `{"time":"…","level":"info","label":"drover","message":"…","metadata":{…}}`; numbers and
    /// booleans stay numbers and booleans.
    static func json(time: String, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var line = "{\"time\":\(quoted(time)),\"level\":\(quoted(level.rawValue)),\"label\":\(quoted(label)),\"message\":\(quoted(message))"
        if !metadata.isEmpty { line += ",\"metadata\":\(jsonValue(.dictionary(metadata)))" }
        return line + "}"
    }

    /// UTC with milliseconds: `2026-11-30T12:00:00.123Z`.
    static func timestamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = time_t(seconds.rounded(.down))
        let millis = min(999, Int((seconds - Double(whole)) * 1000))
        var parts = tm()
        gmtime_r(&whole, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
    }

    // MARK: - Text

    static func textValue(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): return textScalar(text)
        case .stringConvertible(let item): return textScalar(item.description)
        case .array(let items): return "[" + items.map(textValue).joined(separator: ",") + "]"
        case .dictionary(let entries): return "{" + entries.keys.sorted().map { "\($0)=\(textValue(entries[$0]!))" }.joined(separator: ",") + "}"
        }
    }

    /// As is when it is one plain word, else in double quotes with `"` and `\` escaped.
    static func textScalar(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            scalar.value > 0x20 && scalar.value != 0x7F && !"\"\\=,[]{}".unicodeScalars.contains(scalar)
        }
        return plain ? text : quoted(text)
    }

    /// Line breaks and other control characters as escapes, so that an entry stays on one line.
    static func escapeControls(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F { result += escape(scalar) } else { result.unicodeScalars.append(scalar) }
        }
        return result
    }

    // MARK: - JSON

    static func jsonValue(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text):
            return quoted(text)
        case .stringConvertible(let item):
            switch item {
            case let number as any BinaryInteger: return "\(number)"
            case let number as Double where number.isFinite: return "\(number)"
            case let flag as Bool: return flag ? "true" : "false"
            default: return quoted(item.description)
            }
        case .array(let items):
            return "[" + items.map(jsonValue).joined(separator: ",") + "]"
        case .dictionary(let entries):
            return "{" + entries.keys.sorted().map { "\(quoted($0)):\(jsonValue(entries[$0]!))" }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal (also valid in text lines): `"`, `\` and control characters escaped.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: result += escape(scalar)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": "\\n"
        case "\r": "\\r"
        case "\t": "\\t"
        default: String(format: "\\u%04x", scalar.value)
        }
    }
}
