import DroverCore
import DroverStore

/// How the array page hands the children's states to its script: one letter per status and the length of the run
/// (left out for 1): `S97F3q` is 97 SUCCEEDED, 3 FAILED, 1 RUNNABLE. A few bytes per change of state along the
/// indices, whatever the number of children.
enum StatusRunCode {
    /// The letter of each status (the script and the CSS read the same letters).
    static func letter(_ status: JobStatus) -> Character {
        switch status {
        case .submitted: "s"
        case .pending: "p"
        case .runnable: "q"
        case .starting: "t"
        case .running: "r"
        case .succeeded: "S"
        case .failed: "F"
        }
    }

    /// `runs` as text (written as bytes: 100,000 runs take a few milliseconds).
    static func encode(_ runs: [ArrayOverview.Run]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(runs.count * 3)
        var digits: [UInt8] = []
        for run in runs where run.count > 0 {
            bytes.append(letter(run.status).asciiValue ?? UInt8(ascii: "?"))
            guard run.count > 1 else { continue }
            var rest = run.count
            digits.removeAll(keepingCapacity: true)
            while rest > 0 {
                digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
                rest /= 10
            }
            bytes += digits.reversed()
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The runs `text` holds, nil when it is not such text (the script's reading, for tests).
    static func decode(_ text: String) -> [ArrayOverview.Run]? {
        let statuses = Dictionary(uniqueKeysWithValues: JobStatus.allCases.map { (letter($0), $0) })
        var runs: [ArrayOverview.Run] = []
        var digits = ""
        var current: JobStatus?
        func close() -> Bool {
            guard let status = current else { return digits.isEmpty }
            guard let count = digits.isEmpty ? 1 : Int(digits), count > 0 else { return false }
            runs.append(ArrayOverview.Run(status, count))
            return true
        }
        for character in text {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if let status = statuses[character] {
                guard close() else { return nil }
                current = status
                digits = ""
            } else {
                return nil
            }
        }
        return close() ? runs : nil
    }
}
