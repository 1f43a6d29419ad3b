/// A value written in the AWS CLI's shorthand syntax, before the model gives it types: every scalar is still text.
///
/// `size=3` is `.object(["size": .scalar("3")])`; ``MemberShape`` turns it into `{"size": 3}`.
public indirect enum ShorthandValue: Equatable, Sendable {
    /// A word or quoted text (numbers and booleans too, until a shape reads them).
    case scalar(String)
    /// `a,b` after a key, or `[a, b]`.
    case list([ShorthandValue])
    /// `key=value,...` at the top, or `{key=value,...}` inside.
    case object([String: ShorthandValue])
}
