import DroverCore
import DroverEngine
import DroverStore

/// The metrics `/metrics` reads from the store at each scrape: jobs by queue and status, RUNNABLE jobs by reason,
/// environments' vCPUs, and the simulated instances' time, reclaims and cost.
enum StoreMetrics {
    /// One value of one metric.
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    static let jobs = MetricDescription(
        "drover_jobs", .gauge, labels: ["queue", "status"],
        help: "Jobs by queue and status (array parents and children each count).")
    static let runnableJobs = MetricDescription(
        "drover_runnable_jobs", .gauge, labels: ["queue", "reason"],
        help: "RUNNABLE jobs by queue and the kind of reason they wait for: none, AWS's code, or Drover's own kind (docs/metrics.md).")
    static let maxVcpus = MetricDescription(
        "drover_compute_environment_max_vcpus", .gauge, labels: ["environment"],
        help: "A compute environment's maxvCpus (unmanagedvCpus for a Slurm partition).")
    static let usedVcpus = MetricDescription(
        "drover_compute_environment_used_vcpus", .gauge, labels: ["environment"],
        help: "vCPUs asked for by the jobs STARTING or RUNNING on a compute environment.")
    static let liveInstances = MetricDescription(
        "drover_simulated_instances", .gauge, labels: ["environment"],
        help: "Simulated instances of an environment not yet terminated.")
    static let reclaims = MetricDescription(
        "drover_simulated_instance_reclaims_total", .counter, labels: ["environment"],
        help: "Simulated instances reclaimed (spot interruptions and fault-injection experiments).")
    static let instanceSeconds = MetricDescription(
        "drover_simulated_instance_seconds_total", .counter, labels: ["environment"],
        help: "Simulated instance time in seconds (instance-hours times 3600), as of each instance's last change.")
    static let cost = MetricDescription(
        "drover_simulated_instance_cost_dollars_total", .counter, labels: ["environment"],
        help: "What the simulated instances cost at the price they ran at, US dollars, as of each instance's last change.")

    /// Every metric read from the store.
    static let catalogue = [jobs, runnableJobs, maxVcpus, usedVcpus, liveInstances, reclaims, instanceSeconds, cost]

    /// The values of `snapshot`: every queue has a job count for every status (0 included); RUNNABLE jobs are summed
    /// by their reason's bounded label (``RunnableReason/label(ofKey:)``).
    static func samples(_ snapshot: MetricsSnapshot) -> [Sample] {
        var jobs: [String: [JobStatus: Int]] = [:]
        var runnable: [String: [String: Int]] = [:]
        for queue in snapshot.queues { jobs[queue] = [:] }
        for row in snapshot.jobCounts {
            jobs[row.queue, default: [:]][row.status, default: 0] += row.count
            if row.status == .runnable {
                runnable[row.queue, default: [:]][RunnableReason.label(ofKey: row.reasonKey), default: 0] += row.count
            }
        }
        var samples: [Sample] = []
        for (queue, counts) in jobs.sorted(by: { $0.key < $1.key }) {
            for status in JobStatus.allCases {
                samples.append(Sample(name: Self.jobs.name, labels: ["queue": queue, "status": status.rawValue], value: Double(counts[status] ?? 0)))
            }
        }
        for (queue, reasons) in runnable.sorted(by: { $0.key < $1.key }) {
            for (reason, count) in reasons.sorted(by: { $0.key < $1.key }) {
                samples.append(Sample(name: runnableJobs.name, labels: ["queue": queue, "reason": reason], value: Double(count)))
            }
        }
        for environment in snapshot.environments {
            let labels = ["environment": environment.name]
            samples.append(Sample(name: maxVcpus.name, labels: labels, value: environment.maxVcpus))
            samples.append(Sample(name: usedVcpus.name, labels: labels, value: environment.usedVcpus))
        }
        for usage in snapshot.instances {
            let labels = ["environment": usage.environment]
            samples.append(Sample(name: liveInstances.name, labels: labels, value: Double(usage.live)))
            samples.append(Sample(name: reclaims.name, labels: labels, value: Double(usage.interrupted)))
            samples.append(Sample(name: instanceSeconds.name, labels: labels, value: usage.instanceHours * 3600))
            samples.append(Sample(name: cost.name, labels: labels, value: usage.cost))
        }
        return samples
    }
}
