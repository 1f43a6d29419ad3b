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
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw DroverError("--report: cannot write \(path)")
        }
        self.handle = handle
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
