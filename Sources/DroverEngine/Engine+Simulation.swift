import DroverCore
import DroverStore
import Foundation

extension Engine {
    /// Acts on fleet events: a reclaim notice sends SIGTERM to the attempts on the instance and
    /// sets their SIGKILL at the notice's end; an instance's end kills whatever still runs on it.
    /// Returns the instance records to write.
    func apply(_ events: [FleetEvent], now: Double) -> [InstanceRecord] {
        var records: [InstanceRecord] = []
        for event in events {
            records.append(simulator.record(event, now: now, wallNow: clock.epochMillis()))
            let instance = event.instance
            switch event.kind {
            case .notice:
                let killAt = simulator.monotonic(instance.killAt ?? simulator.simulated(now))
                for (id, attempt) in running where attempt.instance?.id == instance.id {
                    interrupt(id, instance: instance, killAt: max(now, killAt), now: now)
                }
            case .terminated:
                for (id, attempt) in running where attempt.instance?.id == instance.id {
                    interrupt(id, instance: instance, killAt: now, now: now)
                }
            case .launched, .ready:
                break
            }
        }
        return records
    }

    /// Starts stopping attempt `id` because its instance is being reclaimed: SIGTERM now (unless
    /// it is already stopping for another reason), SIGKILL at `killAt`.
    func interrupt(_ id: String, instance: SimulatedInstance, killAt: Double, now: Double) {
        guard let attempt = running[id], !(stopping && inbox.stopMode != .stopJobs) else { return }
        if attempt.termSentAt == nil {
            stop(id, kind: .interrupted(instance: instance.id, experiment: instance.experiment), now: now, killAfter: max(0, killAt - now))
        } else if attempt.launched {
            // Already stopping for another reason: the instance's end still kills it then.
            executor.signal(attempt.key, 0, killAfter: max(0, killAt - now))
        }
    }

    // MARK: - Experiments

    /// Starts experiments written by `drover chaos`, runs the rounds that are due, checks stop
    /// conditions and ends what is over. Returns the instance records to write.
    func runExperiments(now: Double) throws(DroverError) -> [InstanceRecord] {
        let simulatedNow = simulator.simulated(now)
        for var experiment in try store.experiments(states: [.pending]) {
            experiment.startedAt = clock.epochMillis()
            guard let fleet = simulator.fleets[experiment.computeEnvironment] else {
                try end(&experiment, state: .failed, outcome: "\(experiment.computeEnvironment) is not a simulated environment: give it computeResources.type EC2 or SPOT and instanceTypes")
                continue
            }
            if experiment.action == .capacity && fleet.lifecycle != .spot {
                try end(&experiment, state: .failed, outcome: "capacity experiments apply to SPOT environments; \(experiment.computeEnvironment) is on-demand")
                continue
            }
            experiment.state = .running
            let ends = simulatedNow + (experiment.durationSeconds ?? 0)
            if experiment.action == .capacity {
                simulator.fleets[experiment.computeEnvironment]?.addShortage(from: simulatedNow, until: ends, experiment: experiment.id)
                experiment.outcome = "no new spot instance in \(experiment.computeEnvironment) until the experiment ends"
            }
            activeExperiments[experiment.id] = (experiment, simulatedNow, ends)
            // An interrupt experiment's first round is due now and is written below with its outcome;
            // writing it here too would let `drover chaos` read it as running with no outcome yet.
            if experiment.action == .capacity { try store.updateExperiment(experiment) }
        }
        var records: [InstanceRecord] = []
        for id in activeExperiments.keys.sorted() {
            guard let active = activeExperiments[id] else { continue }
            var (experiment, nextRound, ends) = (active.experiment, active.nextRound, active.ends)
            if let limit = experiment.stopAfterFailures, let started = experiment.startedAt {
                let failed = try store.failedJobs(since: started)
                if failed >= limit {
                    try end(&experiment, state: .stopped, outcome: "stop condition met: \(failed) job\(failed == 1 ? "" : "s") failed", now: simulatedNow)
                    continue
                }
            }
            if experiment.action == .interrupt, nextRound <= simulatedNow {
                records += interruptRound(&experiment, round: nextRound, now: now)
                nextRound = experiment.everySeconds.map { nextRound + max($0, 0.001) } ?? .infinity
                activeExperiments[id] = (experiment, nextRound, ends)
                try store.updateExperiment(experiment)
            }
            let over = experiment.action == .capacity ? simulatedNow >= ends : nextRound > ends
            if over {
                try end(&experiment, state: .completed, outcome: experiment.outcome ?? "done", now: simulatedNow)
            }
        }
        return records
    }

    /// Reclaims the instances one round of an interrupt experiment picks.
    func interruptRound(_ experiment: inout Experiment, round: Double, now: Double) -> [InstanceRecord] {
        let name = experiment.computeEnvironment
        guard let fleet = simulator.fleets[name] else { return [] }
        var candidates = fleet.targetable
        let chosen: [String]
        if let wanted = experiment.instances {
            chosen = wanted.filter { candidates.contains($0) }
            let missing = wanted.filter { !candidates.contains($0) }
            if !missing.isEmpty {
                experiment.outcome = "not running in \(name): \(missing.joined(separator: ", "))"
            }
        } else {
            var random = SeededRandom(seed: options.seed, stream: "\(experiment.id)@\(round)")
            candidates.shuffle(using: &random)
            chosen = Array(candidates.prefix(experiment.targetCount(running: candidates.count)))
        }
        let simulatedNow = simulator.simulated(now)
        for instance in chosen {
            simulator.fleets[name]?.interrupt(instance, now: simulatedNow, experiment: experiment.id)
        }
        experiment.targets += chosen
        if experiment.instances == nil || chosen.count == experiment.instances?.count {
            let total = experiment.targets.count
            experiment.outcome = "interrupted \(total) instance\(total == 1 ? "" : "s")" + (total == 0 ? " (none was running)" : ": \(experiment.targets.joined(separator: ", "))")
        }
        return apply(simulator.takeEvents(), now: now)
    }

    /// Ends an experiment: restores capacity it withheld and records how it ended.
    func end(_ experiment: inout Experiment, state: Experiment.State, outcome: String, now: Double? = nil) throws(DroverError) {
        experiment.state = state
        experiment.outcome = outcome
        experiment.endedAt = clock.epochMillis()
        if experiment.action == .capacity, let now {
            simulator.fleets[experiment.computeEnvironment]?.endShortages(of: experiment.id, now: now)
        }
        activeExperiments[experiment.id] = nil
        try store.updateExperiment(experiment)
    }

    /// Ends the experiments under way and every simulated instance (the engine stops).
    func stopSimulation(now: Double) throws(DroverError) -> [InstanceRecord] {
        for id in activeExperiments.keys.sorted() {
            guard var experiment = activeExperiments[id]?.experiment else { continue }
            try end(&experiment, state: .stopped, outcome: (experiment.outcome.map { $0 + "; " } ?? "") + "the engine stopped", now: simulator.simulated(now))
        }
        return apply(simulator.terminateAll(monotonic: now), now: now)
    }
}
