import DroverCore
import DroverImaging
import Foundation

/// Writes the JSON-lines report, one line per file as it finishes (so a killed run still has its lines).
final class ReportSink: Sendable {
    private let handle: FileHandle

    init(path: String) throws(DroverError) {
        if path == "-" {
            handle = FileHandle.standardOutput
            return
        }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, let reason = Self.makeFolders(folder) {
            throw Self.failure("cannot create the folder \(folder)", reason)
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Self.failure("cannot write \(path)", errno) }
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// `mkdir -p`: nil, or the errno of the first folder that could not be made.
    static func makeFolders(_ path: String) -> Int32? {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST { return errno }
        }
        return nil
    }

    /// The error for a report that cannot be written, with a hint when permission is what is missing.
    static func failure(_ what: String, _ reason: Int32) -> DroverError {
        var message = "--report: \(what): \(String(cString: strerror(reason)))"
        if reason == EACCES {
            message += " (drover runs as uid \(getuid()); in a container, `--user \"$(id -u):$(id -g)\"` runs it as you)"
        }
        return DroverError(message, exitCode: 1)
    }

    func write(_ result: FileResult) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard var line = try? encoder.encode(result) else { return }
        line.append(UInt8(ascii: "\n"))
        handle.write(line)
    }

    func close() {
        if handle !== FileHandle.standardOutput { try? handle.close() }
    }
}
