import DroverCore

/// The engine's executor: attempts on Slurm environments go to the cluster's executor, every other attempt to the
/// local one; what comes back is routed by which of them holds the attempt.
final class RoutingExecutor: Executor {
    let local: any Executor
    let cluster: any Executor
    /// Attempts the cluster's executor holds (handed over or inherited).
    private var clusterKeys: Set<AttemptKey> = []

    init(local: any Executor, cluster: any Executor) {
        self.local = local
        self.cluster = cluster
    }

    func attach(inbox: Inbox) throws(DroverError) -> InheritedAttempts {
        var inherited = try local.attach(inbox: inbox)
        let fromCluster = try cluster.attach(inbox: inbox)
        clusterKeys = Set(fromCluster.running.keys).union(fromCluster.exits.keys)
        inherited.merge(fromCluster)
        return inherited
    }

    func launch(_ launch: AttemptLaunch) {
        if launch.cluster != nil {
            clusterKeys.insert(launch.key)
            cluster.launch(launch)
        } else {
            local.launch(launch)
        }
    }

    func flush() {
        local.flush()
        cluster.flush()
    }

    func signal(_ key: AttemptKey, _ signal: Int32, killAfter: Double?) {
        executor(of: key).signal(key, signal, killAfter: killAfter)
    }

    func acknowledge(_ keys: [AttemptKey]) {
        var held: [AttemptKey] = []
        var rest: [AttemptKey] = []
        for key in keys {
            if clusterKeys.remove(key) != nil { held.append(key) } else { rest.append(key) }
        }
        if !held.isEmpty { cluster.acknowledge(held) }
        if !rest.isEmpty { local.acknowledge(rest) }
    }

    func reclaim(_ key: AttemptKey, pid: Int32?) {
        executor(of: key).reclaim(key, pid: pid)
    }

    func lost(_ connection: Int32) -> [ProcessExit] {
        local.lost(connection)
    }

    func detach() {
        local.detach()
        cluster.detach()
    }

    private func executor(of key: AttemptKey) -> any Executor {
        clusterKeys.contains(key) ? cluster : local
    }
}
