/// Why one image could not be read, processed or written. The message never names the file: callers add it.
public enum ImageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read or written.
    case io(String)
    /// The bytes are not a format Drover decodes (the detected format, or a description of the first bytes).
    case unsupportedFormat(String)
    /// The data is truncated or corrupt; the decoder's message.
    case corrupt(String)
    /// The image breaks a limit (dimensions, pixels, file size, scans): what was found and the limit.
    case limit(String)
    /// The image cannot be handled by this operation.
    case unsupported(String)
    case outOfMemory

    public var description: String {
        switch self {
        case .io(let text): text
        case .unsupportedFormat(let format): "unsupported format: \(format) (Drover reads JPEG, PNG, WebP, AVIF and HEIC)"
        case .corrupt(let text): "corrupt or truncated image: \(text)"
        case .limit(let text): "refused: \(text)"
        case .unsupported(let text): text
        case .outOfMemory: "out of memory"
        }
    }

    /// Maps a status code from the C layer.
    static func fromStatus(_ status: Int32, message raw: String) -> ImageError {
        // Libraries end some messages with a newline; a report line holds one line.
        let message = raw.split(whereSeparator: \.isNewline).joined(separator: " ")
        return switch status {
        case 2: .limit(message)
        case 3: .unsupported(message)
        case 4: .outOfMemory
        default: .corrupt(message)
        }
    }
}
