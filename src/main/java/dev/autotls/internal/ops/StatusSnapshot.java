package dev.autotls.internal.ops;

import dev.autotls.CertificateStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** The value behind {@link CertificateStatus}: immutable, made by {@link StatusView}. */
record StatusSnapshot(List<String> names, Map<String, Origin> origins, String strategy, String strategyReason, Optional<String> serial,
                      Optional<String> issuer, Instant notBefore, Instant notAfter, Source source,
                      Optional<Instant> lastAttempt, Optional<String> lastOutcome, Optional<Instant> nextAttempt,
                      Optional<String> ownerAction, int failures, Optional<String> issuedBy,
                      Optional<String> tryingCa, OptionalInt queuePosition, Optional<Instant> expectedStart)
        implements CertificateStatus {

    StatusSnapshot {
        names = List.copyOf(names);
        origins = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(origins));
    }
}
