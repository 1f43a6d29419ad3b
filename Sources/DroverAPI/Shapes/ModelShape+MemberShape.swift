import DroverCore

extension ModelShape {
    /// This shape as the AWS CLI types option values with it (``MemberShape``): text where the model has text of any
    /// kind (an enumeration's values and a length's bounds are the operation's to check), integers where it has
    /// integers of any range.
    var memberShape: MemberShape {
        switch self {
        case .string, .boundedString, .enumeration: .string
        case .integer, .long, .boundedInteger: .integer
        case .double: .double
        case .boolean: .boolean
        case .list(let item): .list(item.memberShape)
        case .map(let item): .map(item.memberShape)
        case .structure(let structure): .structure(structure.members.mapValues(\.memberShape), required: structure.required)
        case .unsupported: .unsupported
        }
    }
}
