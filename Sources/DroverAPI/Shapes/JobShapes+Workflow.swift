import DroverCore
import DroverStore
import Foundation

extension JobShapes {
    /// A job as `DescribeJobs` shows it, as JSON (nil when the job is not in the store): what a workflow's
    /// `batch:submitJob.sync` task gets as its result (Step Functions renames the members in PascalCase).
    public func describe(_ id: String) -> JSONValue? {
        guard let view = try? store.jobViews([id]).first,
              let data = try? JSONEncoder().encode(detail(view)),
              let value = try? JSONDecoder().decode(JSONValue.self, from: data) else { return nil }
        return value
    }
}
