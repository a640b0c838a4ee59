package dev.autotls.internal.tls;

/**
 * What the cache of decoded certificates counted since start (metrics, tests).
 *
 * @param size      entries in memory now (an estimate while evictions are pending)
 * @param hits      look-ups memory answered
 * @param misses    look-ups that had to load (or join a load in flight)
 * @param failures  loads that failed (the store failed, or too many loads waited)
 * @param timeouts  handshakes that gave up waiting for a load ({@link CertificateRegistry#LOAD_WAIT})
 * @param evictions entries dropped to keep the cache within its size
 */
public record CertificateCacheStats(long size, long hits, long misses, long failures, long timeouts, long evictions) {
}
