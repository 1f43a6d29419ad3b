import DroverCore
import DroverImaging
import Foundation

/// Writes the JSON-lines report, one line per file as it finishes (so a killed run still has its lines).
///
/// A line that cannot be written (a full disk, a closed pipe) is remembered; ``close()`` throws it.
final class ReportSink: Sendable {
    private let file: OutputFile

    init(path: String) throws(DroverError) {
        if path == "-" {
            file = OutputFile.standardOutput
            return
        }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, let reason = Self.makeFolders(folder) {
            throw Self.failure("cannot create the folder \(folder)", reason)
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Self.failure("cannot write \(path)", errno) }
        file = OutputFile(descriptor: descriptor, name: "--report \(path)")
    }

    /// Refuses a report path that names a file other than a drover report (a photo given by mistake, say): the
    /// report truncates what it opens.
    static func checkReplaceable(_ path: String) throws(DroverError) {
        guard path != "-", AtomicFile.stream(path) == nil, let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 1 << 16)) ?? Data()
        guard !head.isEmpty else { return }
        let firstLine = head.split(separator: UInt8(ascii: "\n"), maxSplits: 1).first ?? head
        if let line = try? JSONSerialization.jsonObject(with: Data(firstLine)) as? [String: Any], line["input"] != nil, line["status"] != nil {
            return
        }
        throw DroverError("--report: \(path) is not a report drover wrote; choose another path, or move it", exitCode: 1)
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

    /// Appends the line of one file; a failure is kept for ``close()`` (this runs in the workers' callback).
    func write(_ result: FileResult) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let line = try? encoder.encode(result) else { return }
        try? file.write(String(decoding: line, as: UTF8.self) + "\n")
    }

    /// Closes the report, throwing the first line that could not be written.
    func close() throws(DroverError) {
        if file === OutputFile.standardOutput {
            if let error = file.error { throw error }
            return
        }
        try file.close()
    }
}
