import DroverCore
import Foundation

/// The clusters a state directory has submitted to, kept in `STATE/slurm/controls` (one a line: `commands` for the
/// Slurm commands on PATH, else a slurmrestd URL), so that an engine that starts knows which ones to ask about the
/// attempts it inherits. A cluster is recorded before anything is submitted to it; a directory without the file
/// (made before there was a choice) used the commands only.
struct SlurmControlRegistry {
    /// The file.
    var path: String

    /// The key the executor files a cluster under: the slurmrestd URL (without a trailing `/`), or `""` for the
    /// commands on PATH.
    static func key(_ settings: SlurmSettings) -> String {
        guard var url = settings.slurmrestd?.trimmingCharacters(in: .whitespaces), !url.isEmpty else { return "" }
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// The recorded keys, in the order they were first used.
    func keys() -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [""] }
        return Self.parse(text)
    }

    /// The keys a file's text records.
    static func parse(_ text: String) -> [String] {
        var keys: [String] = []
        for line in text.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) }) where !line.isEmpty {
            let key = line == "commands" ? "" : line
            if !keys.contains(key) { keys.append(key) }
        }
        return keys
    }

    /// Records `key` if it is new (written to a temporary file, then renamed); why it could not be, or nil.
    func add(_ key: String) -> String? {
        // No file yet: the commands were used if sbatch ever wrote its output here (a directory from before the file).
        let sbatchOutput = (path as NSString).deletingLastPathComponent + "/sbatch.out"
        let current = FileManager.default.fileExists(atPath: path) ? keys() : FileManager.default.fileExists(atPath: sbatchOutput) ? [""] : []
        guard !current.contains(key) else { return nil }
        let text = (current + [key]).map { $0.isEmpty ? "commands" : $0 }.joined(separator: "\n") + "\n"
        let temporary = "\(path).new"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)), rename(temporary, path) == 0 else {
            return "cannot record the Slurm cluster in \(path): \(String(cString: strerror(errno)))"
        }
        return nil
    }
}
