/// A problem a user can meet, with a message that names the file, field or job and says what to do.
///
/// Front ends print `description` and map ``exitCode`` to the process exit status.
public struct DroverError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, in words a user can act on.
    public var message: String
    /// Process exit code a CLI should use for this error (2 = bad input, 1 = operation failed).
    public var exitCode: Int32

    /// Creates an error with a message and an exit code (2: bad input by default).
    public init(_ message: String, exitCode: Int32 = 2) {
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { message }

    /// A job id that is not in the store.
    public static func unknownJob(_ id: String) -> DroverError {
        DroverError("no job '\(id)' in this state directory (see `drover jobs --all`)")
    }
}

/// One problem found while validating input, located by file, line and field path.
public struct ValidationIssue: Sendable, Equatable, CustomStringConvertible {
    /// Where the problem is, for example `jobs/env.yaml:12` (may be empty).
    public var location: String
    /// The field path, for example `jobDefinitions[0].retryStrategy.attempts`.
    public var field: String
    /// What is wrong and what is expected.
    public var message: String

    /// Creates an issue.
    public init(location: String = "", field: String, message: String) {
        self.location = location
        self.field = field
        self.message = message
    }

    public var description: String {
        let place = location.isEmpty ? "" : "\(location): "
        let name = field.isEmpty ? "" : "\(field): "
        return place + name + message
    }
}

extension DroverError {
    /// Combines validation issues into one error that lists every issue, one per line.
    public static func invalid(_ issues: [ValidationIssue], nothingChanged: Bool = true) -> DroverError {
        var lines = issues.map { "  - \($0)" }
        lines.insert("invalid input (\(issues.count) problem\(issues.count == 1 ? "" : "s")):", at: 0)
        if nothingChanged { lines.append("nothing was changed.") }
        return DroverError(lines.joined(separator: "\n"))
    }
}
