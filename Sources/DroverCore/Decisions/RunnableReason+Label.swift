extension RunnableReason {
    /// Drover's own kinds of wait, which have no AWS code: each reads `prefix`, its detail, then `suffix`.
    public enum DroverWait: String, CaseIterable, Sendable {
        /// ``RunnableReason/noComputeEnvironment(queue:)``.
        case noComputeEnvironment = "no_compute_environment"
        /// ``RunnableReason/allDisabled(queue:)``.
        case allDisabled = "all_environments_disabled"
        /// ``RunnableReason/hostSlotsBusy(limit:)``.
        case hostSlotsBusy = "host_slots_busy"
        /// ``RunnableReason/waitingForCapacity(asked:problems:)``.
        case waitingForCapacity = "waiting_for_capacity"

        /// What the sentence starts with.
        var prefix: String {
            switch self {
            case .noComputeEnvironment: "Job queue "
            case .allDisabled: "Every compute environment of job queue "
            case .hostSlotsBusy: "Waiting for a local process slot: "
            case .waitingForCapacity: "Waiting for "
            }
        }

        /// What the sentence ends with.
        var suffix: String {
            switch self {
            case .noComputeEnvironment: " has no compute environment."
            case .allDisabled: " is DISABLED."
            case .hostSlotsBusy: " busy."
            case .waitingForCapacity: "."
            }
        }

        /// The sentence with `detail` in the middle.
        func sentence(_ detail: String) -> String { prefix + detail + suffix }

        /// The kind of `reason`, nil for none of Drover's (the most specific first: a slot wait is a wait too).
        public init?(reason: String) {
            guard let kind = Self.allCases.first(where: { reason.hasPrefix($0.prefix) && reason.hasSuffix($0.suffix) }) else { return nil }
            self = kind
        }
    }

    /// A bounded label for a RUNNABLE job's `reason_key`, for metrics: `none` without one, AWS's code for the codes
    /// Drover gives (``RunnableReason``), the ``DroverWait`` kind of Drover's own sentences, `other` for anything else
    /// (a code Drover does not give, text written by an older version).
    public static func label(ofKey key: String?) -> String {
        guard let key, !key.isEmpty else { return "none" }
        if let reason = RunnableReason(rawValue: key) { return reason.rawValue }
        return DroverWait(reason: key)?.rawValue ?? "other"
    }

    /// Every value ``label(ofKey:)`` can give.
    public static var labels: [String] {
        ["none"] + allCases.map(\.rawValue) + DroverWait.allCases.map(\.rawValue) + ["other"]
    }
}
