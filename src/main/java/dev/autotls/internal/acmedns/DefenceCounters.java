package dev.autotls.internal.acmedns;

import dev.autotls.acmedns.AcmeDnsServer.DefenceCounts;
import java.util.concurrent.atomic.LongAdder;

/** The running totals behind {@link DefenceCounts}: written by the DNS threads, read as a snapshot. */
public final class DefenceCounters {
    final LongAdder udpDropped = new LongAdder();
    final LongAdder udpTruncated = new LongAdder();
    final LongAdder tcpClosedIdle = new LongAdder();
    final LongAdder tcpClosedForNewcomer = new LongAdder();
    final LongAdder tcpClosedOverAddressCap = new LongAdder();
    final LongAdder tcpRefused = new LongAdder();

    public DefenceCounts snapshot() {
        return new DefenceCounts(udpDropped.sum(), udpTruncated.sum(), tcpClosedIdle.sum(), tcpClosedForNewcomer.sum(),
                tcpClosedOverAddressCap.sum(), tcpRefused.sum());
    }
}
