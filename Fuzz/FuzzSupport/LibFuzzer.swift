#if FUZZING
import Foundation

/// The bridge to libFuzzer. SwiftPM links executables with `main` aliased to the module's own
/// entry point, so libFuzzer's `main` never runs: ours calls `LLVMFuzzerRunDriver` instead.
enum LibFuzzer {
    /// The target's body, set once before the (single-threaded) driver starts. Not in a `Mutex`:
    /// reading a closure through `inout` wraps it in one more reabstraction thunk per input, and
    /// after a few thousand inputs every call ran through thousands of them.
    nonisolated(unsafe) static var body: (@Sendable ([UInt8]) -> Void)?

    static func run(_ body: @escaping @Sendable ([UInt8]) -> Void) -> Never {
        self.body = body
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// libFuzzer's `main` (linked in, though unused) needs this symbol; the driver calls it too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = (data == nil || size == 0) ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    LibFuzzer.body?(bytes)
    return 0
}
#endif
