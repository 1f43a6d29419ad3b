import Foundation

/// What happened to one input: one line of the JSON-lines report.
public struct FileResult: Sendable, Encodable, Equatable {
    /// The verdict on one input.
    public enum Status: String, Sendable, Codable, Equatable {
        /// Processed; every output written.
        case ok
        /// Every output already exists and is newer than the input and the recipe.
        case upToDate = "up-to-date"
        /// Not an input to process (not an image file name, an output of this recipe): `reason` says why.
        case skipped
        /// Not processed as asked: `error` says why. The run's exit status is 1.
        case failed
    }

    /// One file written (or found up to date).
    public struct Output: Sendable, Codable, Equatable {
        /// The recipe output's name.
        public var name: String
        /// Path relative to the output folder, as ``PathBytes/display`` shows it.
        public var path: String
        /// The path's bytes, when ``path`` had to escape some (a name that is not UTF-8, or with a backslash or a
        /// control character); written as `pathBase64`.
        public var rawPath: [UInt8]?
        public var format: String
        public var bytes: Int
        public var width: Int
        public var height: Int
        /// SHA-256 of the bytes written, in hex.
        public var hash: String

        public init(name: String, path: PathBytes, format: String, bytes: Int, width: Int, height: Int, hash: String) {
            self.name = name
            self.path = path.display
            self.rawPath = path.displaysAsIs ? nil : path.bytes
            self.format = format
            self.bytes = bytes
            self.width = width
            self.height = height
            self.hash = hash
        }

        /// The path's bytes, relative to the output folder.
        public var file: PathBytes { rawPath.map { PathBytes(bytes: $0) } ?? PathBytes(path) }

        enum CodingKeys: String, CodingKey {
            case name, path, pathBase64, format, bytes, width, height, hash
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            path = try container.decode(String.self, forKey: .path)
            rawPath = try container.decodeIfPresent(String.self, forKey: .pathBase64).flatMap { Data(base64Encoded: $0) }.map { Array($0) }
            format = try container.decode(String.self, forKey: .format)
            bytes = try container.decode(Int.self, forKey: .bytes)
            width = try container.decode(Int.self, forKey: .width)
            height = try container.decode(Int.self, forKey: .height)
            hash = try container.decode(String.self, forKey: .hash)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(path, forKey: .path)
            try container.encodeIfPresent(rawPath.map { Data($0).base64EncodedString() }, forKey: .pathBase64)
            try container.encode(format, forKey: .format)
            try container.encode(bytes, forKey: .bytes)
            try container.encode(width, forKey: .width)
            try container.encode(height, forKey: .height)
            try container.encode(hash, forKey: .hash)
        }
    }

    /// Path relative to the input folder (or as given, for a single file); non-UTF-8 bytes shown as `\xHH`.
    public var input: String
    public var status: Status
    public var format: String?
    public var bytesIn: Int
    public var width: Int?
    public var height: Int?
    public var outputs: [Output] = []
    public var bytesOut: Int { outputs.reduce(0) { $0 + $1.bytes } }
    /// Wall time spent on this file, in milliseconds.
    public var milliseconds: Double = 0
    /// Why the input was skipped.
    public var reason: String?
    /// Why the input failed.
    public var error: String?
    /// What color management did, when the file has an ICC profile (``ColorManagement/summary``).
    public var color: String?

    public init(input: String, status: Status = .ok, bytesIn: Int = 0) {
        self.input = input
        self.status = status
        self.bytesIn = bytesIn
    }

    /// A line for an input that is not processed.
    public static func verdict(_ input: PathBytes, _ status: Status, _ why: String) -> FileResult {
        var result = FileResult(input: input.display, status: status)
        if status == .failed { result.error = why } else { result.reason = why }
        return result
    }

    enum CodingKeys: String, CodingKey {
        case input, status, format, bytesIn, bytesOut, width, height, outputs, milliseconds, reason, error, color
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(input, forKey: .input)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(format, forKey: .format)
        try container.encode(bytesIn, forKey: .bytesIn)
        try container.encode(bytesOut, forKey: .bytesOut)
        try container.encodeIfPresent(width, forKey: .width)
        try container.encodeIfPresent(height, forKey: .height)
        try container.encode(outputs, forKey: .outputs)
        try container.encode((milliseconds * 10).rounded() / 10, forKey: .milliseconds)
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encodeIfPresent(error, forKey: .error)
        try container.encodeIfPresent(color, forKey: .color)
    }
}
