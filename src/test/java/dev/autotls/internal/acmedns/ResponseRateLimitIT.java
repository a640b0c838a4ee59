package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autotls.acmedns.AcmeDnsServer.DefenceCounts;
import dev.autotls.acmedns.ResponderConfig.ResponseRateLimit;
import dev.autotls.testing.Await;
import dev.autotls.testing.Responder;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Issue 15 (b): with the default settings, a flood of one query from 127.0.0.1 is mostly
 * dropped or truncated, another /24 (127.0.1.1) asking the same meanwhile is answered in
 * full, a client of the flooded network that gets TC gets its answer over TCP, and after
 * the flood 127.0.0.1 is answered normally again.
 */
class ResponseRateLimitIT {
    private static final Duration FLOOD = Duration.ofSeconds(5);
    private static final int PER_MILLISECOND = 4; // 4000 queries a second: twenty times the default limit

    /** Whether {@code answer} carries the TXT record whole (not truncated). */
    private static boolean full(byte[] answer, int length) {
        return (answer[2] & 0x02) == 0 && (((answer[6] & 0xFF) << 8) | (answer[7] & 0xFF)) > 0 && length > 12;
    }

    private static boolean truncated(byte[] answer) {
        return (answer[2] & 0x02) != 0;
    }

    /** One UDP query from {@code local}, up to 3 tries of a second (loopback loses a packet only when a buffer overflows). */
    private static byte[] ask(String local, InetSocketAddress server, byte[] query) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(local, 0))) {
            socket.setSoTimeout(1000);
            byte[] buffer = new byte[2048];
            for (int attempt = 0; attempt < 3; attempt++) {
                socket.send(new DatagramPacket(query, query.length, server));
                DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(answer);
                    return java.util.Arrays.copyOf(buffer, answer.getLength());
                } catch (SocketTimeoutException lost) {
                    // ask again, as a resolver does
                }
            }
            return null;
        }
    }

    @Test
    void aFloodFromOneNetworkIsLimitedWhileOthersAreAnsweredInFull(@TempDir Path folder) throws Exception {
        try (Responder responder = Responder.start(folder, "auth.test", b -> { })) {
            JsonNode account = responder.register();
            assertThat(responder.update(account, "r".repeat(43)).statusCode()).isEqualTo(200);
            byte[] query = Message.newQuery(Record.newRecord(Name.fromString(account.get("fulldomain").asText() + "."),
                    Type.TXT, DClass.IN)).toWire();
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", responder.server.dnsPort());
            DefenceCounts before = responder.server.defenceCounts();

            AtomicInteger sent = new AtomicInteger();
            AtomicInteger fullAnswers = new AtomicInteger();
            AtomicInteger truncatedAnswers = new AtomicInteger();
            AtomicInteger otherFull = new AtomicInteger();
            AtomicInteger otherAsked = new AtomicInteger();
            java.util.List<String> otherFailures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            ScheduledExecutorService load = Executors.newScheduledThreadPool(2);
            try (DatagramSocket flood = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                flood.setSoTimeout(100);
                long floodEnd = System.nanoTime() + FLOOD.toNanos();
                CountDownLatch floodDone = new CountDownLatch(1);
                Thread receiver = new Thread(() -> {
                    byte[] buffer = new byte[2048];
                    long receiveEnd = floodEnd + TimeUnit.SECONDS.toNanos(2);
                    while (System.nanoTime() - receiveEnd < 0) {
                        DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
                        try {
                            flood.receive(answer);
                        } catch (IOException quiet) {
                            continue;
                        }
                        if (truncated(buffer)) {
                            truncatedAnswers.incrementAndGet();
                        } else if (full(buffer, answer.getLength())) {
                            fullAnswers.incrementAndGet();
                        }
                    }
                }, "flood-receiver");
                receiver.start();
                load.scheduleAtFixedRate(() -> {
                    if (System.nanoTime() - floodEnd >= 0) {
                        floodDone.countDown();
                        return;
                    }
                    for (int i = 0; i < PER_MILLISECOND; i++) {
                        int id = sent.incrementAndGet() & 0xFFFF;
                        query[0] = (byte) (id >> 8);
                        query[1] = (byte) id;
                        try {
                            flood.send(new DatagramPacket(query, query.length, server));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                }, 0, 1, TimeUnit.MILLISECONDS);
                byte[] otherQuery = query.clone();
                load.scheduleWithFixedDelay(() -> { // the same question from another /24, ten times a second
                    if (System.nanoTime() - floodEnd >= 0) {
                        return;
                    }
                    otherAsked.incrementAndGet();
                    try {
                        byte[] answer = ask("127.0.1.1", server, otherQuery);
                        if (answer != null && full(answer, answer.length)) {
                            otherFull.incrementAndGet();
                        } else {
                            otherFailures.add(answer == null ? "no answer" : "truncated or empty");
                        }
                    } catch (IOException e) {
                        otherFailures.add(e.toString());
                    }
                }, 50, 100, TimeUnit.MILLISECONDS);

                // meanwhile a real client of the flooded /24 is told to use TCP, and gets its answer there
                Await.until("the flood to be limited", Duration.ofSeconds(4),
                        () -> responder.server.defenceCounts().since(before).udpTruncated() > 0);
                byte[] neighbour = null;
                for (int attempt = 0; attempt < 10 && neighbour == null; attempt++) {
                    neighbour = ask("127.0.0.5", server, query.clone()); // half the held-back answers are dropped: ask again
                }
                assertThat(neighbour).as("an answer in the flooded /24").isNotNull();
                assertThat(truncated(neighbour)).as("TC in the flooded /24").isTrue();
                Message overTcp = responder.exchangeTcp(Message.newQuery(new Message(neighbour).getQuestion()));
                assertThat(overTcp.getSection(Section.ANSWER)).as("the answer over TCP").hasSize(1);
                assertThat(overTcp.getHeader().getFlag(Flags.TC)).isFalse();

                assertThat(floodDone.await(FLOOD.toSeconds() + 30, TimeUnit.SECONDS)).as("the flood ended").isTrue();
                load.shutdown();
                assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
                receiver.join(10_000);
            } finally {
                load.shutdownNow();
            }
            DefenceCounts flood = responder.server.defenceCounts().since(before);

            long afterFlood = System.nanoTime();
            Await.until("127.0.0.1 answered in full again, ten times in a row", Duration.ofSeconds(30), () -> {
                try {
                    for (int i = 0; i < 10; i++) {
                        byte[] answer = ask("127.0.0.1", server, query.clone());
                        if (answer == null || !full(answer, answer.length)) {
                            return false;
                        }
                    }
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
            long recoveredMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - afterFlood);

            int queries = sent.get();
            int dropped = queries - fullAnswers.get() - truncatedAnswers.get();
            System.out.printf("RRL flood from 127.0.0.1 (%d s, default settings): %d identical queries, %d answered in full,"
                            + " %d truncated (TC), %d dropped; the server counted %d truncated, %d dropped; 127.0.1.1 meanwhile:"
                            + " %d of %d answered in full; 127.0.0.1 answered normally again %d ms after the flood%n",
                    FLOOD.toSeconds(), queries, fullAnswers.get(), truncatedAnswers.get(), dropped, flood.udpTruncated(),
                    flood.udpDropped(), otherFull.get(), otherAsked.get(), recoveredMillis);

            ResponseRateLimit settings = ResponseRateLimit.DEFAULTS;
            assertThat(queries).as("queries sent").isGreaterThan(5_000);
            assertThat(fullAnswers.get()).as("answered in full: a second's worth, then the rate")
                    .isLessThanOrEqualTo(settings.responsesPerSecond() * (int) (FLOOD.toSeconds() + 2));
            // of what reached the server (a busy machine may let a socket buffer overflow), most was held back
            assertThat(flood.udpLimited()).as("most answers dropped or truncated")
                    .isGreaterThan((flood.udpLimited() + fullAnswers.get()) * 8L / 10);
            assertThat((double) flood.udpTruncated() / flood.udpLimited()).as("every second held-back answer truncated (slip 2)")
                    .isBetween(0.45, 0.55);
            assertThat(truncatedAnswers.get()).as("truncated answers that reached the flooder").isPositive();
            assertThat(otherFailures).as("queries from 127.0.1.1 not answered in full").isEmpty();
            assertThat(otherFull.get()).as("queries from 127.0.1.1 answered in full").isGreaterThanOrEqualTo(20);
        }
    }
}
