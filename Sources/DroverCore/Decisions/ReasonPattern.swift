/// The pattern language of `evaluateOnExit`: exact text, or a prefix followed by one trailing `*`.
public enum ReasonPattern {
    /// Which characters a pattern may hold.
    public enum Kind: Sendable {
        /// `onExitCode`: digits only.
        case exitCode
        /// `onReason` / `onStatusReason`: letters, digits, `.`, `:`, space and tab.
        case reason
    }

    /// Whether `value` matches `pattern` (case-sensitive). A missing value (no exit code after a host
    /// loss, no container reason) matches only a bare `*`, so that the usual closing rule
    /// `{onReason: "*", action: EXIT}` catches every remaining case, as AWS documents.
    public static func matches(_ pattern: String, _ value: String?) -> Bool {
        if pattern.hasSuffix("*") {
            let prefix = pattern.dropLast()
            guard let value else { return prefix.isEmpty }
            return value.hasPrefix(prefix)
        }
        return value == pattern
    }

    /// Why `pattern` is not valid, or nil when it is.
    public static func problem(in pattern: String, kind: Kind) -> String? {
        if pattern.isEmpty { return "the pattern is empty" }
        if pattern.count > 512 { return "the pattern is longer than 512 characters" }
        let body = pattern.hasSuffix("*") ? pattern.dropLast() : Substring(pattern)
        for character in body {
            if character == "*" {
                return "'*' is only allowed as the last character (\"\(pattern)\")"
            }
            let allowed: Bool
            switch kind {
            case .exitCode: allowed = character.isASCII && character.isNumber
            case .reason:
                allowed = (character.isASCII && (character.isLetter || character.isNumber))
                    || character == "." || character == ":" || character == " " || character == "\t"
            }
            if !allowed {
                let rule = kind == .exitCode
                    ? "digits and an optional trailing '*'"
                    : "letters, digits, '.', ':', space, tab and an optional trailing '*'"
                return "character '\(character)' is not allowed in \"\(pattern)\" (allowed: \(rule))"
            }
        }
        return nil
    }
}
