import DroverCore
import DroverStore
import Foundation

extension Engine {
    /// Hands PENDING jobs to a Slurm partition ahead of their dependencies, where Slurm can wait on them itself
    /// (`--dependency=aftercorr:…` for `N_TO_N`, `afterok:…` otherwise, with `--kill-on-invalid-dep=yes`): a
    /// dependant then starts the moment its partner ends on the cluster, with no round trip through Drover.
    ///
    /// Only where Slurm's answer cannot differ from Drover's: the job's queue is ENABLED and its first environment an
    /// ENABLED Slurm partition that queues without bound (no `queuedvCpus`); every job it waits on has SUCCEEDED or
    /// has an attempt live on a Slurm partition that this engine follows, and one at least is live. Anything else (a
    /// partner still RUNNABLE or on a local pool, the later children of a `SEQUENTIAL` array) Drover resolves itself.
    /// The job stays PENDING while Slurm holds it. An attempt that Slurm drops before it starts (a partner failed
    /// there, or is retried under another Slurm job) costs nothing: it is not counted, the job stays PENDING, and
    /// this engine leaves it to its own dependency resolution from then on.
    func handOver() -> [(job: RunnableJob, environment: String)] {
        var first: [String: String] = [:]
        for route in routes where route.enabled {
            guard let name = route.environments.first, let environment = environments[name], environment.isEnabled,
                  let slurm = environment.slurm, slurm.queuedvCpus == nil else { continue }
            first[route.name] = name
        }
        guard !first.isEmpty, running.values.contains(where: { environments[$0.environment]?.isCluster == true }),
              let candidates = try? store.handOverCandidates(queues: Array(first.keys), limit: Self.bufferSize) else { return [] }
        var holds: [(job: RunnableJob, environment: String)] = []
        for candidate in candidates where !noHandOver.contains(candidate.id) && running[candidate.id] == nil && !unrecorded.contains(candidate.id) {
            guard let environment = first[candidate.queue], let partners = clusterPartners(candidate.partners), !partners.isEmpty,
                  let spec = try? store.spec(ofJob: candidate.id), let limit = environments[environment]?.maxvCpus,
                  spec.vcpus <= Double(limit) else { continue }
            var attempt = RunningAttempt(id: candidate.id, attempt: candidate.attempts + 1, environment: environment,
                                         need: ResourceNeed(vcpus: spec.vcpus, memory: spec.memory))
            attempt.held = true
            attempt.queue = candidate.queue
            attempt.waitsOn = partners
            running[candidate.id] = attempt
            holds.append((RunnableJob(id: candidate.id, attempts: candidate.attempts), environment))
        }
        return holds
    }

    /// The attempts among `partners` that Slurm must see succeed (those that SUCCEEDED need no waiting), or nil when
    /// one of them can be waited on by Drover only.
    func clusterPartners(_ partners: [HandOverCandidate.Partner]) -> [ClusterPartner]? {
        var live: [ClusterPartner] = []
        for partner in partners where partner.status != .succeeded {
            guard partner.status.isActive || partner.status == .pending, let attempt = running[partner.id], attempt.launched,
                  attempt.attempt == partner.attempt, attempt.termSentAt == nil, partner.status != .pending || attempt.held,
                  environments[attempt.environment]?.isCluster == true else { return nil }
            live.append(ClusterPartner(key: attempt.key, correlated: partner.correlated))
        }
        return live
    }

    /// Follows the attempts held on a cluster: once the store releases their job (its dependencies met) they are
    /// ordinary attempts; when their job fails (a dependency failed) or is cancelled, they are taken off the cluster.
    func followHeld(now: Double) {
        let held = running.values.filter { $0.held && $0.launched && $0.termSentAt == nil }
        guard !held.isEmpty, let states = try? store.heldStates(held.map(\.id)) else { return }
        for attempt in held {
            if let state = states[attempt.id], state.attempts == attempt.attempt {
                if state.held && state.status == .pending { continue }
                if state.status.isActive {
                    running[attempt.id]?.held = false
                    continue
                }
            }
            running[attempt.id]?.termSentAt = now
            executor.signal(attempt.key, SIGKILL, killAfter: nil)
        }
    }
}
