/// What happened to one input file: one line of the JSON-lines report.
public struct FileResult: Sendable, Encodable, Equatable {
    /// One file written (or found up to date).
    public struct Output: Sendable, Codable, Equatable {
        public var name: String
        /// Path relative to the output folder.
        public var path: String
        public var bytes: Int
        public var width: Int
        public var height: Int
    }

    /// Path relative to the input folder (or as given, for a single file).
    public var input: String
    /// "ok", "skipped" (outputs up to date) or "failed".
    public var status: String
    public var format: String?
    public var bytesIn: Int
    public var width: Int?
    public var height: Int?
    public var outputs: [Output] = []
    public var bytesOut: Int { outputs.reduce(0) { $0 + $1.bytes } }
    /// Wall time spent on this file, in milliseconds.
    public var milliseconds: Double = 0
    /// Why the file failed.
    public var error: String?
    /// What color management did, when the file has an ICC profile (``ColorManagement/summary``).
    public var color: String?

    public init(input: String, status: String = "ok", bytesIn: Int = 0) {
        self.input = input
        self.status = status
        self.bytesIn = bytesIn
    }

    enum CodingKeys: String, CodingKey {
        case input, status, format, bytesIn, bytesOut, width, height, outputs, milliseconds, error, color
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
        try container.encodeIfPresent(error, forKey: .error)
        try container.encodeIfPresent(color, forKey: .color)
    }
}
