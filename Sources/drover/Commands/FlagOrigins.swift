import DroverCore

/// Which option set each member of a request, so that a problem the validator finds in `containerOverrides.environment`
/// is reported against `--env` or `--container-overrides`, whichever the user typed.
struct FlagOrigins {
    struct Origin {
        /// The member path the option set (`containerOverrides`, `timeout.attemptDurationSeconds`).
        var field: String
        /// The option, as the user knows it.
        var flag: String
        /// Whether problems below `field` keep their path after the option (`--container-overrides environment[0].name`).
        var keepsPath: Bool
    }

    /// Whether `--cli-input-json` gave members: problems in members no option set are reported against it.
    var fromInputJSON: Bool
    var origins: [Origin] = []

    /// Records that `flag` set `field`; later options win over earlier ones for the same path.
    mutating func add(_ field: String, _ flag: String, keepsPath: Bool = false) {
        origins.append(Origin(field: field, flag: flag, keepsPath: keepsPath))
    }

    /// `issue` with its field named by the option that set it.
    func rename(_ issue: ValidationIssue) -> ValidationIssue {
        var renamed = issue
        let matches = origins.enumerated().filter { _, origin in
            issue.field == origin.field || issue.field.hasPrefix(origin.field + ".") || issue.field.hasPrefix(origin.field + "[")
        }
        guard let (_, origin) = matches.max(by: { ($0.element.field.count, $0.offset) < ($1.element.field.count, $1.offset) }) else {
            if fromInputJSON { renamed.field = "--cli-input-json \(issue.field)" }
            return renamed
        }
        let rest = issue.field.dropFirst(origin.field.count).drop { $0 == "." }
        renamed.field = origin.keepsPath && !rest.isEmpty ? "\(origin.flag) \(rest)" : origin.flag
        return renamed
    }
}
