import Foundation

/// A file path as the bytes the file system holds. Linux file names need not be UTF-8 (a latin-1 `été.jpg` is the
/// bytes `E9 74 E9`), and a Swift `String` cannot hold such a name without changing it, so the batch keeps paths as
/// bytes and turns them into text only to show them (``display``).
public struct PathBytes: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The path's bytes, without a terminating NUL.
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    public init<S: Sequence<UInt8>>(_ bytes: S) {
        self.bytes = Array(bytes)
    }

    /// The UTF-8 bytes of `string`.
    public init(_ string: String) {
        bytes = Array(string.utf8)
    }

    /// The path as text, one to one: UTF-8 characters as they are, except a backslash, shown as `\\`; control
    /// characters (which could move a terminal's cursor or fake a line) and bytes that are not valid UTF-8 shown
    /// as `\xHH`. Two different names never look the same, and what is shown is safe to print.
    public var display: String {
        if let text = String(validating: bytes, as: UTF8.self),
            !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\\") })
        {
            return text
        }
        var text = ""
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let length = Self.sequenceLength(bytes, at: index)
            if byte == UInt8(ascii: "\\") {
                text += "\\\\"
                index += 1
            } else if length > 0 && byte >= 0x20 && byte != 0x7F {
                text += String(decoding: bytes[index..<index + length], as: UTF8.self)
                index += length
            } else {
                text += String(format: "\\x%02X", byte)
                index += 1
            }
        }
        return text
    }

    /// Whether ``display`` shows the bytes as they are (no escape was needed).
    public var displaysAsIs: Bool { display.utf8.elementsEqual(bytes) }

    public var description: String { display }

    /// The path as a `String` when its bytes are UTF-8.
    public var string: String? { String(validating: bytes, as: UTF8.self) }

    public var isEmpty: Bool { bytes.isEmpty }

    /// `self/component` (or `component` alone when `self` is empty).
    public func appending(_ component: PathBytes) -> PathBytes {
        if bytes.isEmpty { return component }
        if component.bytes.isEmpty { return self }
        return PathBytes(bytes: bytes.last == UInt8(ascii: "/") ? bytes + component.bytes : bytes + [UInt8(ascii: "/")] + component.bytes)
    }

    public func appending(_ component: String) -> PathBytes { appending(PathBytes(component)) }

    /// The last component (the file name).
    public var lastComponent: PathBytes {
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return self }
        return PathBytes(bytes[(slash + 1)...])
    }

    /// Everything before the last `/` (empty for a bare name).
    public var parent: PathBytes {
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return PathBytes(bytes: []) }
        return slash == 0 ? PathBytes("/") : PathBytes(bytes[..<slash])
    }

    /// The components between slashes, empty ones left out.
    public var components: [PathBytes] {
        bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map { PathBytes($0) }
    }

    /// The file name without its last extension (`photo` for `a/photo.jpg`; a name starting with a dot keeps it).
    public var stem: PathBytes {
        let name = lastComponent.bytes
        guard let dot = name.lastIndex(of: UInt8(ascii: ".")), dot > 0 else { return PathBytes(bytes: name) }
        return PathBytes(name[..<dot])
    }

    /// The last extension as written (`JPG` for `IMG_1.JPG`), empty when there is none.
    public var pathExtension: PathBytes {
        let name = lastComponent.bytes
        guard let dot = name.lastIndex(of: UInt8(ascii: ".")), dot > 0 else { return PathBytes(bytes: []) }
        return PathBytes(name[(dot + 1)...])
    }

    /// The last extension in lower case, for matching against known extensions; empty when not ASCII.
    public var lowercasedExtension: String {
        let ext = pathExtension.bytes
        guard ext.allSatisfy({ $0 < 0x80 }) else { return "" }
        return String(decoding: ext, as: UTF8.self).lowercased()
    }

    /// Calls `body` with the path as a NUL-terminated C string.
    public func withCString<Result>(_ body: (UnsafePointer<CChar>) throws -> Result) rethrows -> Result {
        try (bytes + [0]).withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }

    /// Byte order, the order every shard of an array job sorts files in.
    public static func < (lhs: PathBytes, rhs: PathBytes) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    /// The length of the valid UTF-8 sequence starting at `index`, or 0 when the byte there does not start one.
    private static func sequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let first = bytes[index]
        let length: Int
        switch first {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        return String(validating: bytes[index..<index + length], as: UTF8.self) == nil ? 0 : length
    }
}

extension PathBytes {
    /// `lstat`/`stat` of the path: nil and `errno` set when it fails.
    public func status(following: Bool) -> stat? {
        var info = stat()
        let result = withCString { following ? stat($0, &info) : lstat($0, &info) }
        return result == 0 ? info : nil
    }

    /// The canonical absolute path (symbolic links resolved), when the path exists.
    var resolved: PathBytes? {
        withCString { path in
            guard let real = realpath(path, nil) else { return nil }
            defer { free(real) }
            return PathBytes(UnsafeRawBufferPointer(start: real, count: strlen(real)))
        }
    }
}
