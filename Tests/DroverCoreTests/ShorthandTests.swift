import DroverCore
import Foundation
import Testing

/// The AWS CLI's shorthand syntax, parsed as awscli 1.45's `ShorthandParser` parses it (the expected values are
/// what it returns for the same text), then typed and checked by SubmitJob's member shapes as `aws` types them.
struct ShorthandTests {
    static func s(_ text: String) -> ShorthandValue { .scalar(text) }

    @Test(arguments: [
        ("size=3", ["size": s("3")]),
        ("jobId=abc,type=N_TO_N", ["jobId": s("abc"), "type": s("N_TO_N")]),
        ("command=echo,hello,environment=[{name=K,value=V},{name=B,value=2}]", [
            "command": .list([s("echo"), s("hello")]),
            "environment": .list([.object(["name": s("K"), "value": s("V")]), .object(["name": s("B"), "value": s("2")])]),
        ]),
        ("command=echo hello world", ["command": s("echo hello world")]),
        ("a=b,c", ["a": .list([s("b"), s("c")])]),
        ("a=b,c,d=e", ["a": .list([s("b"), s("c")]), "d": s("e")]),
        ("a=", ["a": s("")]),
        ("a=[]", ["a": .list([])]),
        ("a=[x, y]", ["a": .list([s("x"), s("y")])]),
        ("a={b=c,d=[1,2]}", ["a": .object(["b": s("c"), "d": .list([s("1"), s("2")])])]),
        (#"a='x,y',b="q\"r""#, ["a": s("x,y"), "b": s(#"q"r"#)]),
        (#"a='it\'s'"#, ["a": s("it's")]),
        (#"a=x\,y"#, ["a": s("x,y")]),
        (#"foo=bar,baz\,qux"#, ["foo": .list([s("bar"), s("baz,qux")])]),
        ("a=b=c", ["a": s("b=c")]),
        ("a=b c=d", ["a": s("b c=d")]),
        ("a = b , c = d", ["a": s("b"), "c": s("d")]),
        ("a=x y ,b=z", ["a": s("x y"), "b": s("z")]),
        ("k=[{a=b}, {c=d}]", ["k": .list([.object(["a": s("b")]), .object(["c": s("d")])])]),
        ("a=[[1,2],[3]]", ["a": .list([.list([s("1"), s("2")]), .list([s("3")])])]),
        ("a={}", ["a": .object([:])]),
        ("a=[{}]", ["a": .list([.object([:])])]),
        ("a=b,,c=d", ["a": s("b"), "c": s("d")]),
        ("path/x:y=1", ["path/x:y": s("1")]),
        ("a=é,b=ü", ["a": s("é"), "b": s("ü")]),
        ("onReason=Host EC2*,action=RETRY", ["onReason": s("Host EC2*"), "action": s("RETRY")]),
    ] as [(String, [String: ShorthandValue])])
    func parsesAsTheAWSCLI(text: String, expected: [String: ShorthandValue]) throws {
        #expect(try ShorthandParser.parse(text) == expected)
    }

    @Test(arguments: [
        ("a", "expected '=' but the text ended at character 2 of 'a'"),
        ("a=b,", "expected a value at character 5 of 'a=b,'"),
        ("a=b,a=c", "the key 'a' is given twice (a ',' where a space was meant?) at character 5 of 'a=b,a=c'"),
        ("a=[1,2", "expected ',' but the text ended at character 7 of 'a=[1,2'"),
        ("a={b=c", "expected ',' but the text ended at character 7 of 'a={b=c'"),
        ("a='x", "the quoted value has no closing ' at character 3 of 'a='x'"),
        ("a=[x]y", "expected ',', found 'y' at character 6 of 'a=[x]y'"),
    ])
    func refusesWhatTheAWSCLIRefuses(text: String, message: String) {
        #expect(throws: ShorthandError.self) { try ShorthandParser.parse(text) }
        do {
            _ = try ShorthandParser.parse(text)
        } catch {
            #expect(error.description == message)
        }
    }

    /// Option values read by SubmitJob's shapes: JSON or shorthand, typed as `aws` types them.
    @Test(arguments: [
        ("arrayProperties", "size=3", #"{"size":3}"#),
        ("arrayProperties", #"{"size": 3}"#, #"{"size":3}"#),
        ("dependsOn", "jobId=a,type=N_TO_N", #"[{"jobId":"a","type":"N_TO_N"}]"#),
        ("dependsOn", #"{"jobId": "a"}"#, #"[{"jobId":"a"}]"#),
        ("dependsOn", #"[{"jobId": "a"}, {"jobId": "b"}]"#, #"[{"jobId":"a"},{"jobId":"b"}]"#),
        ("containerOverrides", "command=sh,-c,echo hi,environment=[{name=K,value=V}]",
         #"{"command":["sh","-c","echo hi"],"environment":[{"name":"K","value":"V"}]}"#),
        ("containerOverrides", "command=true", #"{"command":["true"]}"#),
        ("containerOverrides", "vcpus=2,memory=512", #"{"memory":512,"vcpus":2}"#),
        ("containerOverrides", "resourceRequirements=[{type=VCPU,value=2}]", #"{"resourceRequirements":[{"type":"VCPU","value":"2"}]}"#),
        ("retryStrategy", "attempts=3,evaluateOnExit=[{onExitCode=137,action=RETRY},{onReason=*,action=EXIT}]",
         #"{"attempts":3,"evaluateOnExit":[{"action":"RETRY","onExitCode":"137"},{"action":"EXIT","onReason":"*"}]}"#),
        ("timeout", "attemptDurationSeconds=60", #"{"attemptDurationSeconds":60}"#),
        ("parameters", "k=v,k2=v2", #"{"k":"v","k2":"v2"}"#),
        ("tags", #"{"team": "imaging"}"#, #"{"team":"imaging"}"#),
    ])
    func optionValuesAreTypedByTheModel(member: String, text: String, json: String) throws {
        let value = try SubmitJobRequest.shape(of: member).read(text)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(String(decoding: try encoder.encode(value), as: UTF8.self) == json)
    }

    @Test(arguments: [
        ("arrayProperties", "size=x", "size: expected an integer (got 'x')"),
        ("arrayProperties", #"{"size": "3"}"#, "size: expected an integer, got text"),
        ("containerOverrides", "colour=red", "unknown member 'colour', expected one of command, environment, instanceType, memory, resourceRequirements, vcpus"),
        ("containerOverrides", "resourceRequirements=[{type=VCPU}]", "resourceRequirements[0]: missing required member 'value'"),
        ("containerOverrides", "environment=x", "environment[0]: expected members (name, value)"),
        ("retryStrategy", "evaluateOnExit=[{onExitCode=1}]", "evaluateOnExit[0]: missing required member 'action'"),
        ("parameters", "k=a,b", "k: expected text"),
        ("timeout", "{", "not valid JSON (The given data was not valid JSON.)"),
        ("nodeOverrides", "numNodes=2", "this member is not supported by Drover"),
    ])
    func refusesWhatBotocoreRefuses(member: String, text: String, message: String) {
        do {
            _ = try SubmitJobRequest.shape(of: member).read(text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.message == message)
        }
    }
}
