import DroverCore
import DroverStore

/// The queue board (`/`): per queue, its jobs by status and its compute environments' vCPUs in use; then the jobs
/// stuck RUNNABLE, with their reason in plain words.
struct BoardPage {
    var queues: [JobQueue]
    var environments: [String: ComputeEnvironment]
    var counts: [String: [JobStatus: Int]]
    var vcpusInUse: [String: Double]
    var stuck: [StuckJobs]

    /// Reads what the board shows.
    static func load(_ store: Store) throws(DroverError) -> BoardPage {
        BoardPage(queues: try store.jobQueues(),
                  environments: Dictionary(try store.computeEnvironments().map { ($0.computeEnvironmentName, $0) }) { first, _ in first },
                  counts: try store.jobCountsByQueue(), vcpusInUse: try store.vcpusInUse(), stuck: try store.stuckJobs())
    }

    var live: HTML {
        let known = Set(queues.map(\.jobQueueName))
        let gone = counts.keys.filter { !known.contains($0) }.sorted()
        let cards = queues.map(card) + gone.map { name in
            "<div class=\"card\"><h2>\(name)</h2><p class=\"muted small\">This queue no longer exists.</p>\(PageLayout.counts(counts[name] ?? [:]))</div>"
        }
        let board: HTML = cards.isEmpty
            ? "<p class=\"muted\">No job queues yet: create them with <code>drover apply FILE</code> or AWS's CreateJobQueue.</p>"
            : "<div class=\"cards\">\(cards)</div>"
        return """
            <h1>Queues</h1>
            <section>\(board)</section>
            <section><h2>Stuck RUNNABLE</h2>\(stuckList)</section>
            """
    }

    /// One queue: state, counts, environments.
    func card(_ queue: JobQueue) -> HTML {
        let name = queue.jobQueueName
        let queueCounts = counts[name] ?? [:]
        let state: HTML = queue.isEnabled ? "" : " <span class=\"badge\">DISABLED</span>"
        let environmentRows = queue.orderedEnvironmentNames.map { environmentName -> HTML in
            guard let environment = environments[environmentName] else {
                return "<div class=\"usage\"><div class=\"label\"><span>\(environmentName)</span><span class=\"muted\">does not exist</span></div></div>"
            }
            let used = vcpusInUse[environmentName] ?? 0
            let limit = environment.maxvCpus
            let disabled = (environment.state ?? .enabled) == .disabled
            let label = "\(PageLayout.number(used)) / \(PageLayout.number(limit)) vCPUs"
            return """
                <div class="usage\(used >= limit && limit > 0 ? HTML(" full") : "")">\
                <div class="label"><span>\(environmentName)\(kind(environment))\(disabled ? HTML(" <span class=\"badge\">DISABLED</span>") : "")</span>\
                <span>\(label)</span></div>\(PageLayout.usageBar(used: used, limit: limit, label: "\(environmentName): \(label)"))</div>
                """
        }
        let link = "/jobs?" + QueryString.encode([("queue", name)])
        return """
            <div class="card"><h2><a href="\(link)">\(name)</a>\(state) <span class="muted small">priority \(queue.priority ?? 0)</span></h2>
            \(PageLayout.stackedBar(queueCounts))
            \(PageLayout.counts(queueCounts))
            <h3>Compute environments</h3>\(environmentRows.isEmpty ? "<p class=\"muted small\">None: its jobs cannot run.</p>" : HTML.join(environmentRows))
            </div>
            """
    }

    /// What runs an environment's jobs, when not local processes.
    func kind(_ environment: ComputeEnvironment) -> HTML {
        if environment.slurm != nil { return " <span class=\"muted small\">Slurm</span>" }
        if environment.simulation != nil { return " <span class=\"muted small\">\(environment.computeResources?.type ?? "EC2") (simulated)</span>" }
        return ""
    }

    var stuckList: HTML {
        guard !stuck.isEmpty else { return "<p class=\"muted\">No job is held back for a reason.</p>" }
        return HTML.join(stuck.map { group in
            let jobs = "/jobs?" + QueryString.encode([("queue", group.queue), ("status", JobStatus.runnable.rawValue)])
            let plural = group.count == 1 ? "job" : "jobs"
            return """
                <div class="stuck"><div><b>\(PageLayout.grouped(group.count)) \(plural)</b> in <a href="\(jobs)">\(group.queue)</a>\
                \(group.blocked ? HTML(" <span class=\"badge st-FAILED\">blocked</span>") : "")\
                \(group.since.map { HTML(" <span class=\"muted small\">since \(PageLayout.time($0))</span>") } ?? "")</div>
                <div class="reason">\(RunnableReason.plainWords(group.reason))</div>
                <div class="raw">\(group.reason) · oldest: \(PageLayout.jobLink(group.exampleJob))</div></div>
                """
        })
    }
}
