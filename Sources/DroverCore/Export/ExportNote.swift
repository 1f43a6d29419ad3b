/// Something `drover export` tells the user about a job file it translates: a member left out or a rule that
/// cannot be carried over exactly. Written to standard error; the export itself still happens.
public struct ExportNote: Sendable, Equatable, CustomStringConvertible {
    /// How much it matters.
    public enum Level: String, Sendable {
        /// The target runs the job differently from AWS Batch (a rule left out, a dependency not expressed).
        case warning
        /// A Drover extension or a member with no counterpart was left out; the job runs as written otherwise.
        case note
    }

    /// How much it matters.
    public var level: Level
    /// `file:line` of the object it is about.
    public var location: String
    /// What it is about, in words: `job flaky`, `job definition step`.
    public var subject: String
    /// What was done and why, naming the member.
    public var message: String

    /// Creates a note.
    public init(_ level: Level, location: String, subject: String, _ message: String) {
        self.level = level
        self.location = location
        self.subject = subject
        self.message = message
    }

    /// `warning: jobs/a.yaml:12: job flaky: ...`.
    public var description: String {
        "\(level.rawValue): \(location.isEmpty ? "" : "\(location): ")\(subject): \(message)"
    }

    /// `notes` without repeats (a definition's note comes once, however many jobs use the definition), in order.
    public static func unique(_ notes: [ExportNote]) -> [ExportNote] {
        var seen: Set<String> = []
        return notes.filter { seen.insert($0.description).inserted }
    }
}
