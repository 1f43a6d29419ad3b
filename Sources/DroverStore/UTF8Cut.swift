/// Where to cut a piece of UTF-8 text read from the middle of a file so that it holds whole characters.
public enum UTF8Cut {
    /// The part of `bytes` made of whole characters: with `cutAtStart`, the continuation bytes of a character begun
    /// before the piece are left out at the start; a character whose last bytes are not there yet is left out at the
    /// end (a reader takes it next time). Bytes that are not UTF-8 at all are kept: they show as replacement characters.
    public static func wholeCharacters(_ bytes: ArraySlice<UInt8>, cutAtStart: Bool) -> Range<Int> {
        var lower = bytes.startIndex
        if cutAtStart {
            // At most 3 continuation bytes can belong to a character begun earlier.
            while lower < bytes.endIndex, lower - bytes.startIndex < 3, bytes[lower] & 0xC0 == 0x80 { lower += 1 }
        }
        var upper = bytes.endIndex
        // Find the last lead byte among the last 4 and keep its character only if it is complete.
        var index = upper - 1
        while index >= lower, upper - index <= 4 {
            let byte = bytes[index]
            if byte & 0xC0 != 0x80 {
                let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                if upper - index < length { upper = index }
                break
            }
            index -= 1
        }
        return (lower - bytes.startIndex)..<(upper - bytes.startIndex)
    }
}
