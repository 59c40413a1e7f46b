#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed-size, zero-filled array for hash tables read at random (the interner's slots,
/// the duplicate-id table of a million-event ledger).
///
/// A table of 2 MiB or more is mapped straight from the kernel and advised as huge pages
/// where the system offers them: one address-translation entry then covers 2 MiB instead
/// of 4 KiB. Looking up 125,000 advocate ids at random otherwise misses that cache on
/// nearly every lookup, and in a virtual machine each miss is a two-level page walk: that
/// walk, not the table's memory, was most of the time spent reading a large ledger.
/// Smaller tables come from malloc. A class, so it is freed exactly once; owners that can
/// be copied call `copy()` before writing to a shared table.
final class ZeroedTable<Element: BitwiseCopyable> {
    let count: Int
    let base: UnsafeMutablePointer<Element>
    /// Bytes mapped with mmap; 0 when `base` came from malloc.
    private let mapped: Int

    init(count: Int) {
        precondition(count > 0)
        self.count = count
        let bytes = count * MemoryLayout<Element>.stride
        #if os(Linux)
        if bytes >= 2 << 20,
           let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED {
            _ = madvise(p, bytes, Int32(MADV_HUGEPAGE))  // advice only: without huge pages it still works
            base = p.bindMemory(to: Element.self, capacity: count)
            mapped = bytes
            return
        }
        #endif
        let p = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: max(MemoryLayout<Element>.alignment, 16))
        p.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        base = p.bindMemory(to: Element.self, capacity: count)
        mapped = 0
    }

    deinit {
        #if os(Linux)
        if mapped > 0 { _ = munmap(UnsafeMutableRawPointer(base), mapped); return }
        #endif
        UnsafeMutableRawPointer(base).deallocate()
    }

    /// A new table with the same elements.
    func copy() -> ZeroedTable {
        let c = ZeroedTable(count: count)
        c.base.update(from: base, count: count)
        return c
    }

    @inline(__always) subscript(i: Int) -> Element {
        get { base[i] }
        set { base[i] = newValue }
    }
}
