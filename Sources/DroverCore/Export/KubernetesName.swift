/// Kubernetes' naming rules for what `drover export k8s` names: Jobs, containers and the LocalQueue a Job's
/// `kueue.x-k8s.io/queue-name` label refers to are DNS-1123 labels (at most 63 lowercase letters, digits and `-`,
/// starting and ending with a letter or digit), where AWS Batch's names also take capitals and `_`.
public enum KubernetesName {
    /// The longest DNS-1123 label.
    public static let maxLength = 63

    /// `name` (an AWS Batch name or ARN) as a DNS-1123 label of at most `limit` characters: the name part of an
    /// ARN, in lowercase, every character a label cannot hold as `-`, cut to `limit`, with no `-` at either end;
    /// `job` when nothing is left.
    public static func label(_ name: String, limit: Int = maxLength) -> String {
        let mapped = ResourceName.fromArn(name).lowercased().map { character -> Character in
            character.isASCII && (character.isLetter || character.isNumber) ? character : "-"
        }
        var label = String(mapped.prefix(max(limit, 1)))
        while label.hasPrefix("-") { label.removeFirst() }
        while label.hasSuffix("-") { label.removeLast() }
        return label.isEmpty ? "job" : label
    }

    /// A Job name for an AWS job named `jobName` with `completions` indexes: Kubernetes names the pod of each index
    /// `NAME-INDEX` as its host name, which must itself be a label, so the name leaves room for `-` and the highest
    /// index.
    public static func job(_ jobName: String, completions: Int) -> String {
        label(jobName, limit: maxLength - 1 - String(max(completions - 1, 0)).count)
    }
}
