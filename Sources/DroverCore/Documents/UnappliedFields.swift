import Foundation

/// Fields of a job definition that Drover keeps and shows but cannot apply to a local process: secrets are not
/// fetched, volumes not mounted, the user and ulimits not changed, GPUs not assigned, and FARGATE definitions run
/// as local processes like any other. A user who relies on one of them should be told (`drover apply` warns).
public enum UnappliedFields {
    /// Members of `containerProperties` kept without effect.
    static let containerMembers = ["secrets", "volumes", "mountPoints", "user", "ulimits", "fargatePlatformConfiguration"]

    /// The fields of the definition `document` (its JSON text, as stored) that are set and have no local effect, as
    /// field paths (`containerProperties.secrets`, `containerProperties.resourceRequirements[GPU]`,
    /// `platformCapabilities[FARGATE]`), in a stable order; empty when there are none or `document` is not an object.
    public static func inDefinition(_ document: String) -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any] else { return [] }
        var fields: [String] = []
        if let container = object["containerProperties"] as? [String: Any] {
            for member in containerMembers where isSet(container[member]) {
                fields.append("containerProperties.\(member)")
            }
            let requirements = container["resourceRequirements"] as? [[String: Any]] ?? []
            if requirements.contains(where: { ($0["type"] as? String)?.uppercased() == "GPU" }) {
                fields.append("containerProperties.resourceRequirements[GPU]")
            }
        }
        if let capabilities = object["platformCapabilities"] as? [Any], capabilities.contains(where: { ($0 as? String)?.uppercased() == "FARGATE" }) {
            fields.append("platformCapabilities[FARGATE]")
        }
        return fields
    }

    /// Whether a member holds something: present, not null, not an empty list, object or string.
    static func isSet(_ value: Any?) -> Bool {
        switch value {
        case nil, is NSNull: false
        case let list as [Any]: !list.isEmpty
        case let object as [String: Any]: !object.isEmpty
        case let text as String: !text.isEmpty
        default: true
        }
    }
}
