import DroverCore

/// What Drover writes in the `--comment` of each Slurm submission, so that an engine that restarts finds its
/// tasks again (and a submission whose `sbatch` timed out is not made twice):
/// `drover:v1:TAG:PARENT:ATTEMPT:TIMEOUT:GRACE:OFFSET:TOKEN`, where TAG names the state directory, TIMEOUT is the
/// attempt's time limit in seconds (`-` for none), GRACE the seconds between SIGTERM and SIGKILL, OFFSET what is added
/// to Slurm's task ids to give the array indices (0 unless the indices reach the cluster's `MaxArraySize`) and TOKEN
/// is unique to the submission.
struct SlurmComment: Equatable {
    var tag: String
    var parent: String
    var attempt: Int
    var timeoutSeconds: Double?
    var graceSeconds: Double
    var offset = 0
    var token: String

    static let prefix = "drover:v1:"

    /// The comment's text.
    var text: String {
        let timeout = timeoutSeconds.map { PlacementDecision.format($0) } ?? "-"
        return "\(Self.prefix)\(tag):\(parent):\(attempt):\(timeout):\(PlacementDecision.format(graceSeconds)):\(offset):\(token)"
    }

    /// Reads a comment Drover wrote; nil for anything else.
    init?(_ text: String) {
        guard text.hasPrefix(Self.prefix) else { return nil }
        let fields = text.dropFirst(Self.prefix.count).split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 7, let attempt = Int(fields[2]), let grace = Double(fields[4]), let offset = Int(fields[5]) else { return nil }
        tag = fields[0]
        parent = fields[1]
        self.attempt = attempt
        timeoutSeconds = fields[3] == "-" ? nil : Double(fields[3])
        graceSeconds = grace
        self.offset = offset
        token = fields[6]
    }

    init(tag: String, parent: String, attempt: Int, timeoutSeconds: Double?, graceSeconds: Double, offset: Int = 0, token: String) {
        self.tag = tag
        self.parent = parent
        self.attempt = attempt
        self.timeoutSeconds = timeoutSeconds
        self.graceSeconds = graceSeconds
        self.offset = offset
        self.token = token
    }
}
