import DroverCore

/// Slurm's `--dependency` for an attempt that waits on attempts already on the cluster (decided from the Slurm ids of
/// their tasks alone; tested from a table).
///
/// An `N_TO_N` partner whose task has the same task id in its Slurm job as the waiting attempt will have in its own
/// (the same index, in blocks of `MaxArraySize` that start at the same multiples) is waited on with `aftercorr:JOB`:
/// one dependency for a whole array's tasks, so they still go as one `sbatch`. Any other partner is waited on with
/// `afterok:`: its task (`JOB_TASK`) when it is the only one of its Slurm job, the whole job when several are (the
/// children of an array depended on as a whole). Types are joined with `,` (all must hold).
enum SlurmDependency {
    /// The dependency of attempt `key`, whose Slurm task id will be `taskId` (nil for a plain job), on `partners`
    /// with the Slurm ids `clusterIds` (`JOB` or `JOB_TASK`); nil when a partner has no Slurm id.
    static func of(taskId: Int?, partners: [ClusterPartner], clusterIds: [AttemptKey: String]) -> String? {
        var correlated: Set<String> = []
        var whole: [String: [String]] = [:]
        for partner in partners {
            guard let id = clusterIds[partner.key] else { return nil }
            let parts = id.split(separator: "_", maxSplits: 1).map(String.init)
            if partner.correlated, let taskId, parts.count == 2, Int(parts[1]) == taskId {
                correlated.insert(parts[0])
            } else {
                whole[parts[0], default: []].append(id)
            }
        }
        var afterok: [String] = []
        for (job, ids) in whole {
            afterok += ids.count == 1 ? ids : [job]
        }
        var types: [String] = []
        if !correlated.isEmpty { types.append("aftercorr:" + correlated.sorted(by: byNumber).joined(separator: ":")) }
        if !afterok.isEmpty { types.append("afterok:" + afterok.sorted(by: byNumber).joined(separator: ":")) }
        return types.isEmpty ? nil : types.joined(separator: ",")
    }

    /// Orders Slurm ids by job number, then task.
    private static func byNumber(_ a: String, _ b: String) -> Bool {
        let left = a.split(separator: "_").map { Int($0) ?? 0 }
        let right = b.split(separator: "_").map { Int($0) ?? 0 }
        return left.lexicographicallyPrecedes(right)
    }
}
