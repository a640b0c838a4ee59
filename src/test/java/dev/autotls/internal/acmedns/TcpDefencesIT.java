package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.acmedns.ResponderConfig.TcpLimits;
import dev.autotls.testing.Await;
import dev.autotls.testing.Responder;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Issue 15 (a) and RFC 7766: idle TCP clients cannot starve others. The connection idle the
 * longest makes room for a newcomer, an address over its cap loses its own, the idle timeout
 * shrinks under pressure, and pipelined queries are answered in order.
 */
class TcpDefencesIT {
    private static final InetSocketAddress ANY_PORT_3 = new InetSocketAddress("127.0.0.3", 0);

    @TempDir
    Path folder;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(toClose);
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    private Responder responder(TcpLimits limits) throws Exception {
        Responder responder = Responder.start(folder, "auth.test", b -> b.tcpLimits(limits));
        toClose.add(responder);
        return responder;
    }

    /** A connection from {@code local} that sends nothing (yet). */
    private Socket connect(Responder responder, String local) throws IOException {
        Socket socket = new Socket();
        toClose.add(socket);
        socket.bind(new InetSocketAddress(local, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", responder.server.dnsPort()), 2000);
        return socket;
    }

    private static byte[] query(int id, String name) throws IOException {
        Message query = Message.newQuery(Record.newRecord(Name.fromString(name), Type.SOA, DClass.IN));
        query.getHeader().setID(id);
        return query.toWire();
    }

    private static void send(Socket socket, byte[]... messages) throws IOException {
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (byte[] message : messages) {
            all.write(message.length >> 8);
            all.write(message.length);
            all.write(message);
        }
        out.write(all.toByteArray()); // in one write: the server sees them pipelined
        out.flush();
    }

    private static Message receive(Socket socket) throws IOException {
        socket.setSoTimeout(5000);
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] answer = new byte[in.readUnsignedShort()];
        in.readFully(answer);
        return new Message(answer);
    }

    /** Sends a query and reads its answer: the connection is served. */
    private static void assertServed(Socket socket) throws IOException {
        send(socket, query(7, "auth.test."));
        assertThat(receive(socket).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    /** The server closed it: a read ends with end of stream (within {@code within}). */
    private static void assertClosedByServer(Socket socket, Duration within) throws IOException {
        socket.setSoTimeout((int) within.toMillis());
        InputStream in = socket.getInputStream();
        try {
            assertThat(in.read()).as("end of stream").isEqualTo(-1);
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("the server kept the connection open for " + within.toMillis() + " ms");
        } catch (java.net.SocketException reset) {
            // closed with unread data: a reset is a close too
        }
    }

    /** Still open: a read gets nothing for a while (closing would end it at once). */
    private static void assertStillOpen(Socket socket) throws IOException {
        socket.setSoTimeout(200);
        try {
            int read = socket.getInputStream().read();
            throw new AssertionError("expected an open, silent connection, read " + read);
        } catch (SocketTimeoutException open) {
            // as expected
        }
    }

    @Test
    void pipelinedQueriesAreAnsweredInOrder() throws Exception {
        Responder responder = responder(TcpLimits.DEFAULTS);
        Socket socket = connect(responder, "127.0.0.1");
        byte[][] queries = new byte[20][];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = query(1000 + i, i % 2 == 0 ? "auth.test." : "n" + i + ".auth.test.");
        }
        send(socket, queries);
        for (int i = 0; i < queries.length; i++) {
            Message answer = receive(socket);
            assertThat(answer.getHeader().getID()).isEqualTo(1000 + i);
            assertThat(answer.getRcode()).isEqualTo(i % 2 == 0 ? Rcode.NOERROR : Rcode.NXDOMAIN);
        }
    }

    @Test
    void theConnectionIdleTheLongestMakesRoomForANewcomer() throws Exception {
        Duration tenSeconds = Duration.ofSeconds(10);
        Responder responder = responder(new TcpLimits(4, 4, tenSeconds, tenSeconds));
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(connect(responder, "127.0.0.1"));
        }
        for (int i = 1; i < 4; i++) {
            assertServed(held.get(i)); // the first stays idle since its accept: the longest
        }
        Socket newcomer = connect(responder, "127.0.0.2");
        assertServed(newcomer);
        assertClosedByServer(held.get(0), Duration.ofSeconds(5));
        for (int i = 1; i < 4; i++) {
            assertStillOpen(held.get(i));
        }
        assertThat(responder.server.defenceCounts().tcpClosedForNewcomer()).isEqualTo(1);
    }

    @Test
    void anAddressOverItsCapLosesItsOwnIdleLongestConnection() throws Exception {
        Duration tenSeconds = Duration.ofSeconds(10);
        Responder responder = responder(new TcpLimits(10, 2, tenSeconds, tenSeconds));
        Socket first = connect(responder, "127.0.0.1");
        Socket second = connect(responder, "127.0.0.1");
        Socket other = connect(responder, "127.0.0.2");
        assertServed(second);
        Socket third = connect(responder, "127.0.0.1");
        assertServed(third);
        assertClosedByServer(first, Duration.ofSeconds(5));
        assertStillOpen(second);
        assertServed(other); // idle longer than 'first', but of another address
        assertThat(responder.server.defenceCounts().tcpClosedOverAddressCap()).isEqualTo(1);
    }

    @Test
    void theIdleTimeoutShrinksWhenMoreThanHalfTheSlotsAreTaken() throws Exception {
        Responder calm = responder(new TcpLimits(10, 10, Duration.ofSeconds(2), Duration.ofSeconds(1)));
        long opened = System.nanoTime();
        Socket alone = connect(calm, "127.0.0.1");
        assertClosedByServer(alone, Duration.ofSeconds(8));
        long aloneMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
        assertThat(aloneMillis).as("one of ten slots taken: the full idle timeout").isGreaterThanOrEqualTo(2000);

        Responder busy = responder(new TcpLimits(4, 4, Duration.ofSeconds(10), Duration.ofSeconds(1)));
        long start = System.nanoTime();
        List<Socket> three = List.of(connect(busy, "127.0.0.1"), connect(busy, "127.0.0.1"), connect(busy, "127.0.0.2"));
        for (Socket socket : three) {
            assertClosedByServer(socket, Duration.ofSeconds(8)); // well before the 10 s
        }
        long busyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(busyMillis).as("three of four slots taken: one second").isGreaterThanOrEqualTo(1000).isLessThan(9000);
        assertThat(busy.server.defenceCounts().tcpClosedIdle()).isEqualTo(3);
        System.out.printf("TCP idle timeout: alone closed after %d ms (2 s set), under pressure after %d ms (1 s)%n",
                aloneMillis, busyMillis);
    }

    @Test
    void idleConnectionsFromTwoAddressesNeverKeepAThirdClientWaiting() throws Exception {
        starveAndProbe(responder(TcpLimits.DEFAULTS), Duration.ofSeconds(30), "default limits");
    }

    @Test
    void withoutAPerAddressCapTheIdleLongestStillMakeRoom() throws Exception {
        starveAndProbe(responder(new TcpLimits(128, 128, Duration.ofSeconds(10))), Duration.ofSeconds(10), "no per-address cap");
    }

    /**
     * Two clients (127.0.0.1, 127.0.0.2) each hold 200 idle connections and reopen the ones
     * the server closes (up to 50 per 100 ms each); meanwhile a third (127.0.0.3) opens a
     * connection and asks one query every 100 ms. Every one must be answered within a second.
     */
    private static void starveAndProbe(Responder responder, Duration probing, String label) throws Exception {
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", responder.server.dnsPort());
        long end = System.nanoTime() + probing.toNanos();
        IdleHolder first = new IdleHolder("127.0.0.1", server, end);
        IdleHolder second = new IdleHolder("127.0.0.2", server, end);
        List<Thread> holders = List.of(new Thread(first, "idle-holder-1"), new Thread(second, "idle-holder-2"));
        holders.forEach(Thread::start);
        ScheduledExecutorService prober = Executors.newSingleThreadScheduledExecutor();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        try {
            Await.until("200 connections opened from each idle client", Duration.ofSeconds(20),
                    () -> first.opened.get() >= 200 && second.opened.get() >= 200);
            long probeEnd = System.nanoTime() + probing.toNanos();
            CountDownLatch done = new CountDownLatch(1);
            prober.scheduleWithFixedDelay(() -> {
                if (System.nanoTime() - probeEnd >= 0) {
                    done.countDown();
                    return;
                }
                long sent = System.nanoTime();
                try (Socket socket = new Socket()) {
                    socket.bind(ANY_PORT_3);
                    socket.connect(server, 1000);
                    socket.setSoTimeout(1000);
                    send(socket, query(42, "auth.test."));
                    DataInputStream in = new DataInputStream(socket.getInputStream());
                    byte[] answer = new byte[in.readUnsignedShort()];
                    in.readFully(answer);
                    if (new Message(answer).getRcode() != Rcode.NOERROR) {
                        failures.add("rcode " + new Message(answer).getRcode());
                    }
                    latencies.add(System.nanoTime() - sent);
                } catch (IOException e) {
                    failures.add(e + " after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent) + " ms");
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            assertThat(done.await(probing.toSeconds() + 30, TimeUnit.SECONDS)).as("probing ended").isTrue();
        } finally {
            prober.shutdownNow();
            first.stop = true;
            second.stop = true;
            for (Thread holder : holders) {
                holder.join(10_000);
            }
        }
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        double median = sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2) / 1e6;
        double max = sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1) / 1e6;
        System.out.printf("TCP starvation (%s, %d s): %d queries from 127.0.0.3 answered, %d failed; latency median %.2f ms,"
                        + " max %.2f ms; idle clients opened %d + %d connections, the server closed %d + %d; counters %s%n",
                label, probing.toSeconds(), latencies.size(), failures.size(), median, max, first.opened.get(),
                second.opened.get(), first.closedByServer.get(), second.closedByServer.get(),
                responder.server.defenceCounts());
        assertThat(failures).as("queries of the third client that failed").isEmpty();
        assertThat(sorted).as("answers to the third client").hasSizeGreaterThanOrEqualTo((int) (probing.toSeconds() * 2));
        assertThat(max).as("slowest answer, ms").isLessThan(1000);
        assertThat(first.closedByServer.get() + second.closedByServer.get()).as("idle connections the server closed")
                .isPositive();
    }

    /** One client holding up to 200 silent connections from {@code local}, reopening those the server closes. */
    private static final class IdleHolder implements Runnable {
        private static final int HOLD = 200;
        private static final int REOPEN_PER_TICK = 50;
        private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closedByServer = new AtomicInteger();
        volatile boolean stop;
        private final InetSocketAddress local;
        private final InetSocketAddress server;
        private final long hardEnd;

        IdleHolder(String local, InetSocketAddress server, long end) {
            this.local = new InetSocketAddress(local, 0);
            this.server = server;
            this.hardEnd = end + TimeUnit.SECONDS.toNanos(60); // bounded even if the test thread dies
        }

        @Override
        public void run() {
            ByteBuffer sink = ByteBuffer.allocate(512);
            try (Selector selector = Selector.open()) {
                boolean first = true;
                long nextTick = System.nanoTime();
                while (!stop && System.nanoTime() - hardEnd < 0) {
                    if (System.nanoTime() - nextTick >= 0) { // a tick: reopen what the server closed since the last
                        int missing = HOLD - selector.keys().size();
                        for (int i = 0; i < (first ? missing : Math.min(missing, REOPEN_PER_TICK)); i++) {
                            SocketChannel channel = SocketChannel.open();
                            channel.configureBlocking(false);
                            channel.bind(local);
                            channel.connect(server);
                            channel.register(selector, SelectionKey.OP_CONNECT);
                        }
                        first = false;
                        nextTick = System.nanoTime() + TICK_NANOS;
                    }
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextTick - System.nanoTime())));
                    for (Iterator<SelectionKey> keys = selector.selectedKeys().iterator(); keys.hasNext(); ) {
                        SelectionKey key = keys.next();
                        keys.remove();
                        SocketChannel channel = (SocketChannel) key.channel();
                        try {
                            if (key.isConnectable()) {
                                channel.finishConnect();
                                key.interestOps(SelectionKey.OP_READ);
                                opened.incrementAndGet();
                            } else if (key.isReadable()) {
                                sink.clear();
                                if (channel.read(sink) < 0) {
                                    closedByServer.incrementAndGet();
                                    key.cancel();
                                    channel.close();
                                }
                            }
                        } catch (IOException e) {
                            closedByServer.incrementAndGet(); // refused or reset: the server let it go
                            key.cancel();
                            channel.close();
                        }
                    }
                    selector.selectNow(); // flush cancelled keys, so keys().size() counts live ones
                }
                for (SelectionKey key : selector.keys()) {
                    key.channel().close();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
