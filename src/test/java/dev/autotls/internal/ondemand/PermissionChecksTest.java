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
        return checks.answer(name, client).join();
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

        CompletableFuture<PermissionAnswer> first = checks.answer("same.test", CLIENT);
        CompletableFuture<PermissionAnswer> second = checks.answer("same.test", OTHER);
        pending.complete(PermissionAnswer.YES);

        assertThat(first.join()).isEqualTo(PermissionAnswer.YES);
        assertThat(second.join()).isEqualTo(PermissionAnswer.YES);
        assertThat(calls).hasValue(1);
    }

    @Test
    void eachClientMayCauseItsLimitOfChecksPerWindow() {
        PermissionChecks checks = checks("3/1m");
        for (int i = 1; i <= 3; i++) {
            assertThat(checks.mayCheck(CLIENT)).as("check %d", i).isTrue();
        }
        assertThat(checks.mayCheck(CLIENT)).as("the fourth within the minute").isFalse();
        assertThat(checks.mayCheck(OTHER)).as("another client has its own").isTrue();

        clock.advance(Duration.ofSeconds(20));
        assertThat(checks.mayCheck(CLIENT)).as("one check back every 20 s (3 a minute)").isTrue();
        assertThat(checks.mayCheck(CLIENT)).isFalse();
        clock.advance(Duration.ofSeconds(61));
        for (int i = 1; i <= 3; i++) {
            assertThat(checks.mayCheck(CLIENT)).as("after a window, the whole limit again: check %d", i).isTrue();
        }
        assertThat(checks.mayCheck(CLIENT)).as("but never more than the limit at once").isFalse();
    }

    @Test
    void handshakesWithoutAClientAddressShareOneLimitInsteadOfNone() {
        PermissionChecks checks = checks("2/1m");
        assertThat(checks.mayCheck(null)).isTrue();
        assertThat(checks.mayCheck(null)).isTrue();
        assertThat(checks.mayCheck(null)).as("unknown clients are one client").isFalse();
        assertThat(checks.mayCheck(CLIENT)).as("a known client is not held up by them").isTrue();
    }

    @Test
    void anIpv6ClientIsItsSlash64AndAnIpv4ClientItsAddress() {
        PermissionChecks checks = checks("1/1m");
        assertThat(checks.mayCheck(address("2001:db8:1:2::1"))).isTrue();
        assertThat(checks.mayCheck(address("2001:db8:1:2:ffff:1:2:3"))).as("the same /64").isFalse();
        assertThat(checks.mayCheck(address("2001:db8:1:3::1"))).as("another /64").isTrue();
        assertThat(checks.mayCheck(address("192.0.2.9"))).isTrue();
        assertThat(checks.mayCheck(address("192.0.2.10"))).as("IPv4 addresses each count alone").isTrue();
        assertThat(ClientLimiter.key(address("2001:db8:1:2:ffff:1:2:3"))).isEqualTo("2001:db8:1:2::/64");
        assertThat(ClientLimiter.key(null)).isEqualTo(ClientLimiter.UNKNOWN);
    }

    @Test
    void theCacheOnlyHoldsTheStageAndTheCheckStartsOutsideIt() {
        AtomicInteger calls = new AtomicInteger();
        PermissionChecks[] holder = new PermissionChecks[1];
        // a check that looks at the cache while it is asked: inside the cache's mapping function this would
        // be a recursive update of the same key (Caffeine refuses it), outside it is an ordinary read
        holder[0] = new PermissionChecks((name, client) -> {
            calls.incrementAndGet();
            assertThat(holder[0].known(name)).as("the stage is in the cache before the check starts").isNotNull();
            return CompletableFuture.completedFuture(PermissionAnswer.YES);
        }, RateLimit.parse("1000/1m"), clock, counters, new Listeners());
        assertThat(holder[0].answer("inside.test", CLIENT).join()).isEqualTo(PermissionAnswer.YES);
        assertThat(calls).hasValue(1);
    }

    @Test
    void theCheckInCodeRunsOnItsOwnBoundedThreadsAndBeyondThemGivesNoAnswer() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.Set<String> threads = ConcurrentHashMap.newKeySet();
        OnDemandPermission blocking = (name, client) -> {
            threads.add(Thread.currentThread().getName());
            try {
                release.await(10, java.util.concurrent.TimeUnit.SECONDS); // a check written synchronously, blocking
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CompletableFuture.completedFuture(true);
        };
        java.util.concurrent.ThreadPoolExecutor pool = CodePermission.boundedPool();
        try {
            CodePermission code = new CodePermission(blocking, Duration.ofSeconds(10), pool);
            List<CompletableFuture<PermissionAnswer>> running = new java.util.ArrayList<>();
            for (int i = 0; i < CodePermission.THREADS + CodePermission.QUEUED; i++) {
                running.add(code.ask("n" + i + ".test", CLIENT));
            }
            assertThat(code.ask("one-more.test", CLIENT).join()).as("every thread busy and the queue full")
                    .isEqualTo(PermissionAnswer.NO_ANSWER);
            assertThat(threads).allMatch(name -> name.startsWith("autotls-on-demand-check-"))
                    .doesNotContain(Thread.currentThread().getName());
            release.countDown();
            assertThat(running).allMatch(answer -> answer.join() == PermissionAnswer.YES);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
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
