package dev.autotls.internal.engine.pacing;

/**
 * How urgent a certificate's new order is, most urgent first: a renewal (ordered by expiry, the
 * closest first), a first certificate someone waits for (names obtained on demand, whose handshakes
 * wait, and names managed at run time, whose {@code manage} call waits), then any other first
 * certificate (configured names), each in the order they came.
 */
enum Urgency {
    RENEWAL,
    WAITED_FOR,
    OTHER;

    int rank() {
        return ordinal();
    }
}
