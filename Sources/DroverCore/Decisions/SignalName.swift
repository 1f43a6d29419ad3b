/// Names of the Linux signals a job is usually stopped by, and the `onSignal` pattern language.
public enum SignalName {
    /// Linux signal numbers by name.
    public static let numbers: [(name: String, number: Int32)] = [
        ("SIGHUP", 1), ("SIGINT", 2), ("SIGQUIT", 3), ("SIGILL", 4), ("SIGTRAP", 5), ("SIGABRT", 6),
        ("SIGBUS", 7), ("SIGFPE", 8), ("SIGKILL", 9), ("SIGUSR1", 10), ("SIGSEGV", 11), ("SIGUSR2", 12),
        ("SIGPIPE", 13), ("SIGALRM", 14), ("SIGTERM", 15), ("SIGXCPU", 24), ("SIGXFSZ", 25),
    ]

    /// `SIGKILL` for 9; `signal N` for one without a name here.
    public static func of(_ signal: Int32) -> String {
        numbers.first { $0.number == signal }?.name ?? "signal \(signal)"
    }

    /// The number of `SIGKILL`, `KILL` or `9`; nil when the text names no signal.
    public static func number(_ text: String) -> Int32? {
        if let number = Int32(text), number > 0, number < 65 { return number }
        let upper = text.uppercased()
        let full = upper.hasPrefix("SIG") ? upper : "SIG" + upper
        return numbers.first { $0.name == full }?.number
    }

    /// Whether the signal that ended a process matches `pattern`: a signal name or number, or a
    /// prefix of names ending in `*` (`*` alone matches any signal). No signal matches nothing.
    public static func matches(_ pattern: String, _ signal: Int32?) -> Bool {
        guard let signal else { return false }
        if pattern.hasSuffix("*") {
            let prefix = pattern.dropLast().uppercased()
            let name = of(signal)
            return name.hasPrefix(prefix) || name.hasPrefix("SIG" + prefix)
        }
        return number(pattern) == signal
    }

    /// Why `pattern` is not a valid `onSignal` value, or nil when it is.
    public static func problem(in pattern: String) -> String? {
        if pattern.hasSuffix("*") { return pattern.dropLast().contains("*") ? "'*' is only allowed as the last character" : nil }
        if number(pattern) != nil { return nil }
        return "\"\(pattern)\" is not a signal: use a name such as SIGKILL or SIGTERM, or a number"
    }
}
