import DroverCore

/// Everything the dashboard's array page shows about an array's children, folded in one pass over them in index
/// order: counts, the states as runs, the failed indices as ranges, attempts and why children failed. Its size grows
/// with the number of state changes along the indices, not with the number of children.
public struct ArrayOverview: Sendable, Equatable {
    /// A stretch of consecutive indices in one state.
    public struct Run: Sendable, Equatable {
        public var status: JobStatus
        public var count: Int

        /// Creates a run.
        public init(_ status: JobStatus, _ count: Int) {
            self.status = status
            self.count = count
        }
    }

    /// Children per status (zeros left out).
    public var counts: [JobStatus: Int] {
        var result: [JobStatus: Int] = [:]
        for (status, count) in zip(JobStatus.allCases, statusCounts) where count > 0 { result[status] = count }
        return result
    }
    /// The children's states from index 0 on.
    public var runs: [Run] = []
    /// The indices of the FAILED children, as the fewest sorted ranges.
    public var failed: [ClosedRange<Int>] = []
    /// FAILED children stopped by a cancel or terminate request (`drover retry-failed` leaves them alone unless asked).
    public var failedByRequest = 0
    /// Children per number of attempts made.
    public var attempts: [Int: Int] {
        var result: [Int: Int] = [:]
        for (attempts, count) in attemptCounts.enumerated() where count > 0 { result[attempts] = count }
        return result
    }
    /// FAILED children per exit code (nil: no exit code, such as a job that never started).
    public var failedExitCodes: [Int32?: Int] = [:]
    /// FAILED children per status reason, as a job's is shown (``JobRecord/statusReason(stored:status:isParent:attempts:)``).
    public var failedReasons: [String: Int] = [:]
    /// Children seen.
    public var total = 0
    /// Children per status, in `JobStatus.allCases` order, and per number of attempts: arrays, not dictionaries, as
    /// they are counted once per child.
    private var statusCounts = Array(repeating: 0, count: JobStatus.allCases.count)
    private var attemptCounts: [Int] = []

    /// An empty overview.
    public init() {}

    /// Adds the child at `index`; children are added in increasing index order. A gap in the indices (a child not
    /// stored) is drawn as PENDING, as AWS lists a child not yet made.
    public mutating func add(index: Int, status: JobStatus, attempts: Int, exitCode: Int32? = nil, reason: String? = nil, stoppedByRequest: Bool = false) {
        add(index: index, status: status, attempts: attempts)
        guard status == .failed else { return }
        failedExitCodes[exitCode, default: 0] += 1
        let shown = JobRecord.statusReason(stored: reason, status: status, isParent: false, attempts: attempts) ?? "no reason recorded"
        failedReasons[shown, default: 0] += 1
        if stoppedByRequest { failedByRequest += 1 }
    }

    /// Adds the child at `index` without what tells why it failed (``add(index:status:attempts:exitCode:reason:stoppedByRequest:)``
    /// adds it for a FAILED child).
    mutating func add(index: Int, status: JobStatus, attempts: Int) {
        if index > total { extend(.pending, by: index - total) }
        total = index + 1
        statusCounts[Self.position(status)] += 1
        extend(status, by: 1)
        let made = max(0, attempts)
        if made >= attemptCounts.count { attemptCounts += Array(repeating: 0, count: made - attemptCounts.count + 1) }
        attemptCounts[made] += 1
        if status == .failed { IndexList.append(index, to: &failed) }
    }

    /// The position of `status` in `JobStatus.allCases`, which the store's queries also number statuses by.
    static func position(_ status: JobStatus) -> Int {
        switch status {
        case .submitted: 0
        case .pending: 1
        case .runnable: 2
        case .starting: 3
        case .running: 4
        case .succeeded: 5
        case .failed: 6
        }
    }

    /// The number of FAILED children.
    public var failedCount: Int { statusCounts[Self.position(.failed)] }

    private mutating func extend(_ status: JobStatus, by count: Int) {
        if let last = runs.last, last.status == status {
            runs[runs.count - 1].count += count
        } else {
            runs.append(Run(status, count))
        }
    }
}
