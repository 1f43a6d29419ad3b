import DroverImaging
import Foundation

/// The bytes a command-line argument was given as. A file name need not be UTF-8 (a latin-1 `été.jpg`); Swift
/// decodes arguments into `String`s with such bytes replaced, which would name another file, so paths are
/// looked up again among the raw arguments.
enum RawArgument {
    /// The raw bytes of the argument that decodes to `argument` (the argument itself when it was valid UTF-8).
    static func path(_ argument: String) -> PathBytes {
        let raw = (0..<Int(CommandLine.argc)).compactMap { index in
            CommandLine.unsafeArgv[index].map { PathBytes(UnsafeBufferPointer(start: $0, count: strlen($0)).map { UInt8(bitPattern: $0) }) }
        }
        if raw.contains(where: { $0.string == argument }) { return PathBytes(argument) }
        let decoded = raw.filter { String(decoding: $0.bytes, as: UTF8.self) == argument }
        // `--input=été` gives an argument after the `=`: look for the suffix too.
        let suffixed = raw.compactMap { whole -> PathBytes? in
            guard let equals = whole.bytes.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            let value = PathBytes(whole.bytes[(equals + 1)...])
            return String(decoding: value.bytes, as: UTF8.self) == argument ? value : nil
        }
        let candidates = Set(decoded + suffixed)
        return candidates.count == 1 ? candidates.first! : PathBytes(argument)
    }
}
