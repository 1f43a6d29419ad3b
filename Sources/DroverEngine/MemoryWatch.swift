import Foundation

/// Reads how much memory a job's process group uses, from `/proc`, as a container runtime's
/// memory limit sees it: the resident memory of every process in the group.
enum MemoryWatch {
    /// Resident MiB of each process group in `groups`, in one pass over `/proc`.
    static func residentMiB(ofGroups groups: Set<Int32>) -> [Int32: Int] {
        guard !groups.isEmpty, let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [:] }
        let pageKiB = Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
        var kib: [Int32: Int] = [:]
        for entry in entries {
            guard Int32(entry) != nil, let stat = read("/proc/\(entry)/stat"),
                  let group = processGroup(stat), groups.contains(group),
                  let statm = read("/proc/\(entry)/statm") else { continue }
            let fields = statm.split(separator: " ")
            guard fields.count > 1, let pages = Int(fields[1]) else { continue }
            kib[group, default: 0] += pages * pageKiB
        }
        return kib.mapValues { $0 / 1024 }
    }

    /// The process group field of a `/proc/PID/stat` line (after the parenthesised command name).
    static func processGroup(_ stat: String) -> Int32? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // state, ppid, pgrp
        return fields.count > 2 ? Int32(fields[2]) : nil
    }

    static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
