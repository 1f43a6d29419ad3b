/// The order in which the jobs of one file (or one submit call) can be submitted: every job after the
/// jobs it names by `jobName` in `dependsOn`.
public enum DependencyOrder {
    /// Why the jobs cannot be ordered.
    public enum Problem: Error, Sendable, Equatable {
        /// Two jobs have this name, so a `jobName` dependency could mean either.
        case duplicateName(String)
        /// The jobs depend on each other in a circle: `[a, c, b, a]` reads "a waits for c, c for b,
        /// b for a". None of them could ever start.
        case cycle([String])

        /// The problem in words: `circular dependency: a -> c -> b -> a`.
        public var message: String {
            switch self {
            case .duplicateName(let name):
                "two jobs are named '\(name)': names must be unique within a file so dependencies can refer to them"
            case .cycle(let names):
                "circular dependency: \(names.joined(separator: " -> ")) (a cycle: none of these jobs could ever start)"
            }
        }
    }

    /// Orders `requests` so that each comes after the jobs it names by `jobName`; names that are not
    /// in `requests` are ignored here (the store reports them). Depth-first, without recursion, so a
    /// chain of any length is fine.
    public static func sorted(_ requests: [SubmitJobRequest]) -> Result<[SubmitJobRequest], Problem> {
        var byName: [String: Int] = [:]
        for (index, request) in requests.enumerated() {
            guard byName.updateValue(index, forKey: request.jobName) == nil else { return .failure(.duplicateName(request.jobName)) }
        }
        let targets = requests.map { ($0.dependsOn ?? []).compactMap { $0.jobName.flatMap { byName[$0] } } }
        enum Mark { case unvisited, visiting, done }
        var marks = Array(repeating: Mark.unvisited, count: requests.count)
        var result: [SubmitJobRequest] = []
        result.reserveCapacity(requests.count)
        for root in requests.indices where marks[root] == .unvisited {
            // Each frame: a job and how many of its dependencies have been looked at.
            var path: [(job: Int, next: Int)] = [(root, 0)]
            marks[root] = .visiting
            while let (job, next) = path.last {
                guard next < targets[job].count else {
                    path.removeLast()
                    marks[job] = .done
                    result.append(requests[job])
                    continue
                }
                path[path.count - 1].next += 1
                let target = targets[job][next]
                switch marks[target] {
                case .done: continue
                case .visiting:
                    let start = path.firstIndex { $0.job == target } ?? 0
                    return .failure(.cycle(path[start...].map { requests[$0.job].jobName } + [requests[target].jobName]))
                case .unvisited:
                    marks[target] = .visiting
                    path.append((target, 0))
                }
            }
        }
        return .success(result)
    }
}
