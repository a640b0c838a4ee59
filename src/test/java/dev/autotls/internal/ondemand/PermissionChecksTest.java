package dev.autotls.internal.ondemand;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.OnDemandPermission;
import dev.autotls.internal.config.RateLimit;
import dev.autotls.internal.engine.Listeners;
import dev.autotls.testing.MutableClock;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The permission cache and the per-client limit, with the injected clock moved instead of waiting. */
class PermissionChecksTest {
    private static final InetAddress CLIENT = address("192.0.2.7");
    private static final InetAddress OTHER = address("192.0.2.8");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    private final Map<String, Boolean> allowed = new ConcurrentHashMap<>();
    private final AtomicInteger asked = new AtomicInteger();
    private final OnDemandCounters counters = new OnDemandCounters();
    private final PermissionSource source = (name, client) -> {
        asked.incrementAndGet();
        return CompletableFuture.completedFuture(allowed.getOrDefault(name, false) ? PermissionAnswer.YES : PermissionAnswer.NO);
    };

    private PermissionChecks checks(String perClient) {
        return new PermissionChecks(source, RateLimit.parse(perClient), clock, counters, new Listeners());
    }

    private static PermissionAnswer answer(PermissionChecks checks, String name, InetAddress client) {
        return checks.forHandshake(name, client).orElseThrow().join();
    }

    @Test
    void aRefusalIsCachedForAMinuteAndAYesForTenAsTheClockMoves() throws Exception {
        PermissionChecks checks = checks("1000/1m");
        allowed.put("yes.test", true);

        assertThat(answer(checks, "no.test", CLIENT)).isEqualTo(PermissionAnswer.NO);
        assertThat(answer(checks, "no.test", OTHER)).isEqualTo(PermissionAnswer.NO);
        assertThat(answer(checks, "yes.test", CLIENT)).isEqualTo(PermissionAnswer.YES);
        assertThat(asked).as("once per name").hasValue(2);

        clock.advance(Duration.ofSeconds(59));
        answer(checks, "no.test", CLIENT);
        assertThat(asked).as("a no within its minute").hasValue(2);
        clock.advance(Duration.ofSeconds(2));
        allowed.put("no.test", true);
        assertThat(answer(checks, "no.test", CLIENT)).as("asked again after a minute").isEqualTo(PermissionAnswer.YES);
        assertThat(asked).hasValue(3);

        clock.advance(Duration.ofMinutes(8)); // yes.test asked 9 min 1 s ago
        allowed.put("yes.test", false);
        assertThat(answer(checks, "yes.test", CLIENT)).as("a yes stands for ten minutes").isEqualTo(PermissionAnswer.YES);
        assertThat(checks.forRenewal("yes.test", Duration.ofSeconds(1))).as("at renewal too").isEqualTo(PermissionAnswer.YES);
        clock.advance(Duration.ofMinutes(1));
        assertThat(checks.forRenewal("yes.test", Duration.ofSeconds(1))).as("asked again after ten minutes")
                .isEqualTo(PermissionAnswer.NO);
        assertThat(asked).hasValue(4);
        assertThat(counters.checksAsked()).isEqualTo(4);
    }

    @Test
    void handshakesAskingForOneNameAtOnceShareOneCheck() {
        CompletableFuture<PermissionAnswer> pending = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        PermissionChecks checks = new PermissionChecks((name, client) -> {
            calls.incrementAndGet();
            return pending;
        }, RateLimit.parse("1000/1m"), clock, counters, new Listeners());

        CompletableFuture<PermissionAnswer> first = checks.forHandshake("same.test", CLIENT).orElseThrow();
        CompletableFuture<PermissionAnswer> second = checks.forHandshake("same.test", OTHER).orElseThrow();
        pending.complete(PermissionAnswer.YES);

        assertThat(first.join()).isEqualTo(PermissionAnswer.YES);
        assertThat(second.join()).isEqualTo(PermissionAnswer.YES);
        assertThat(calls).hasValue(1);
    }

    @Test
    void eachClientMayCauseItsLimitOfChecksPerWindowAndCachedAnswersCostNothing() {
        PermissionChecks checks = checks("3/1m");
        for (int i = 1; i <= 3; i++) {
            assertThat(checks.forHandshake("n" + i + ".test", CLIENT)).as("check %d", i).isPresent();
        }
        assertThat(checks.forHandshake("n4.test", CLIENT)).as("the fourth within the minute").isEmpty();
        assertThat(checks.forHandshake("n1.test", CLIENT)).as("a cached answer is no check").isPresent();
        assertThat(checks.forHandshake("n4.test", OTHER)).as("another client has its own").isPresent();
        assertThat(asked).hasValue(4);

        clock.advance(Duration.ofSeconds(61));
        assertThat(checks.forHandshake("n5.test", CLIENT)).as("after the window").isPresent();
        assertThat(checks.forHandshake("n6.test", null)).as("an unknown client is not limited").isPresent();
    }

    @Test
    void theCheckInCodeCountsFalseAndNullAsNoAndAFailureOrNoAnswerAsNoAnswer() {
        Duration bound = Duration.ofMillis(200);
        assertThat(new CodePermission((n, c) -> CompletableFuture.completedFuture(true), bound).ask("a.test", CLIENT).join())
                .isEqualTo(PermissionAnswer.YES);
        assertThat(new CodePermission(OnDemandPermission.of((n, c) -> false), bound).ask("a.test", CLIENT).join())
                .isEqualTo(PermissionAnswer.NO);
        assertThat(new CodePermission((n, c) -> null, bound).ask("a.test", CLIENT).join()).isEqualTo(PermissionAnswer.NO);
        assertThat(new CodePermission((n, c) -> CompletableFuture.completedFuture(null), bound).ask("a.test", CLIENT).join())
                .isEqualTo(PermissionAnswer.NO);
        assertThat(new CodePermission((n, c) -> {
            throw new IllegalStateException("database down");
        }, bound).ask("a.test", CLIENT).join()).isEqualTo(PermissionAnswer.NO_ANSWER);
        assertThat(new CodePermission((n, c) -> CompletableFuture.failedFuture(new IllegalStateException("down")), bound)
                .ask("a.test", CLIENT).join()).isEqualTo(PermissionAnswer.NO_ANSWER);
        assertThat(new CodePermission((n, c) -> new CompletableFuture<>(), bound).ask("a.test", CLIENT).join())
                .as("never answers").isEqualTo(PermissionAnswer.NO_ANSWER);
    }

    @Test
    void theAskUrlGetsDomainAndClientAddedToItsOwnQuery() {
        assertThat(new AskEndpoint(URI.create("http://127.0.0.1:9000/allowed")).uriFor("xn--bcher-kva.example", CLIENT))
                .hasToString("http://127.0.0.1:9000/allowed?domain=xn--bcher-kva.example&client=192.0.2.7");
        assertThat(new AskEndpoint(URI.create("https://auth.example/check?token=abc")).uriFor("a.example", address("2001:db8::1")))
                .hasToString("https://auth.example/check?token=abc&domain=a.example&client=2001%3Adb8%3A%3A1");
        assertThat(new AskEndpoint(URI.create("http://127.0.0.1:9000/allowed")).uriFor("a.example", null))
                .as("at renewal no client asks").hasToString("http://127.0.0.1:9000/allowed?domain=a.example");
    }

    @Test
    void anEndpointThatIsNotThereGivesNoAnswer() {
        AskEndpoint nobody = new AskEndpoint(URI.create("http://127.0.0.1:" + dev.autotls.testing.Ports.free() + "/allowed"));
        assertThat(nobody.ask("a.test", CLIENT).join()).isEqualTo(PermissionAnswer.NO_ANSWER);
        assertThat(List.of(PermissionAnswer.values())).filteredOn(PermissionAnswer::allows).containsExactly(PermissionAnswer.YES);
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text); // a literal: no look-up
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
