/// Writes the ARNs of one server's resources: `arn:aws:batch:REGION:ACCOUNT:KIND/NAME`.
public struct ARNBuilder: Sendable, Equatable {
    /// Region in every ARN (`--region`, default `us-east-1`).
    public var region: String
    /// 12-digit account id in every ARN (`--account-id`, default `000000000000`).
    public var account: String

    /// The defaults: region `us-east-1`, account `000000000000`.
    public static let standard = ARNBuilder(region: "us-east-1", account: "000000000000")

    /// Creates a builder.
    public init(region: String, account: String) {
        self.region = region
        self.account = account
    }

    /// The builder every Drover command uses unless told otherwise: `DROVER_REGION` and `DROVER_ACCOUNT_ID` from
    /// `environment`, else the ``standard`` values. Check ``problem`` before use.
    public init(environment: [String: String]) {
        self.init(region: environment[Self.regionVariable].flatMap { $0.isEmpty ? nil : $0 } ?? Self.standard.region,
                  account: environment[Self.accountVariable].flatMap { $0.isEmpty ? nil : $0 } ?? Self.standard.account)
    }

    /// The environment variable that sets the region: `DROVER_REGION`.
    public static let regionVariable = "DROVER_REGION"
    /// The environment variable that sets the account id: `DROVER_ACCOUNT_ID`.
    public static let accountVariable = "DROVER_ACCOUNT_ID"

    /// The ARN of a resource of `kind` named `resource` (a job id, a name, `NAME:REVISION`).
    public func arn(_ kind: BatchARN.Kind, _ resource: String) -> String {
        BatchARN(region: region, account: account, kind: kind, resource: resource).description
    }

    /// The resource a name or ARN of `kind` names on this server: as ``BatchARN/resolve(_:as:)``, and an ARN must also
    /// be of this server's partition, region and account, since one of another names no resource here (AWS answers
    /// it as unknown too), rather than the resource of the same name here.
    public func resolve(_ reference: String, as kind: BatchARN.Kind) -> Result<String, ARNError> {
        let resolved = BatchARN.resolve(reference, as: kind)
        guard case .success = resolved, let arn = BatchARN(reference) else { return resolved }
        let own = BatchARN(region: region, account: account, kind: kind, resource: arn.resource)
        guard arn.partition == own.partition, arn.region == region, arn.account == account else {
            return .failure(ARNError("'\(reference)' is the ARN of a \(kind.label) of partition \(arn.partition), region \(arn.region), "
                + "account \(arn.account): this server's are of partition \(own.partition), region \(region), account \(account) "
                + "(--region, --account-id)"))
        }
        return resolved
    }

    /// Why `region` or `account` cannot be used in ARNs, if they cannot.
    public var problem: String? {
        if account.count != 12 || !account.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return "the account id must be 12 digits (got '\(account)')"
        }
        if region.isEmpty || !region.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) {
            return "the region must be lower-case letters, digits and '-' like us-east-1 (got '\(region)')"
        }
        return nil
    }
}
