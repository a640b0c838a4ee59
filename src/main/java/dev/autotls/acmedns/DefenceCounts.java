package dev.autotls.acmedns;

/**
 * What the DNS defences did since the responder started, as one immutable snapshot
 * ({@link AcmeDnsServer#defenceCounts()}), for logs, status and metrics.
 *
 * @param udpDropped              UDP answers rate limiting held back and dropped
 * @param udpTruncated            UDP answers rate limiting held back and sent truncated (TC), so the client asks over TCP
 * @param tcpClosedIdle           TCP connections closed after their idle timeout (or an answer that took too long)
 * @param tcpClosedForNewcomer    idle TCP connections closed because all slots were taken and a new one came
 * @param tcpClosedOverAddressCap idle TCP connections closed because their address opened more than its cap
 * @param tcpRefused              new TCP connections closed at once: every slot held a query being answered
 */
public record DefenceCounts(long udpDropped, long udpTruncated, long tcpClosedIdle, long tcpClosedForNewcomer,
                            long tcpClosedOverAddressCap, long tcpRefused) {

    /** What happened between {@code earlier} and this snapshot. */
    public DefenceCounts since(DefenceCounts earlier) {
        return new DefenceCounts(udpDropped - earlier.udpDropped, udpTruncated - earlier.udpTruncated,
                tcpClosedIdle - earlier.tcpClosedIdle, tcpClosedForNewcomer - earlier.tcpClosedForNewcomer,
                tcpClosedOverAddressCap - earlier.tcpClosedOverAddressCap, tcpRefused - earlier.tcpRefused);
    }

    public boolean isZero() {
        return udpDropped == 0 && udpTruncated == 0 && tcpClosedIdle == 0 && tcpClosedForNewcomer == 0
                && tcpClosedOverAddressCap == 0 && tcpRefused == 0;
    }

    /** In words, leaving out what did not happen; "nothing" when all are zero. */
    public String summary() {
        java.util.List<String> parts = new java.util.ArrayList<>();
        if (udpLimited() > 0) {
            parts.add("rate limiting held back " + udpLimited() + " UDP answers (" + udpDropped + " dropped, " + udpTruncated
                    + " sent truncated)");
        }
        if (tcpClosedIdle > 0) {
            parts.add(tcpClosedIdle + " idle TCP connections closed");
        }
        if (tcpClosedForNewcomer > 0) {
            parts.add(tcpClosedForNewcomer + " idle TCP connections closed to make room for new ones");
        }
        if (tcpClosedOverAddressCap > 0) {
            parts.add(tcpClosedOverAddressCap + " TCP connections closed because their address held too many");
        }
        if (tcpRefused > 0) {
            parts.add(tcpRefused + " TCP connections refused while every slot was answering");
        }
        return parts.isEmpty() ? "nothing" : String.join("; ", parts);
    }

    /** UDP answers rate limiting held back, dropped or truncated. */
    public long udpLimited() {
        return udpDropped + udpTruncated;
    }
}
