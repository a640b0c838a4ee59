package dev.autotls.internal.acmedns;

import dev.autotls.acmedns.ResponderConfig.ResponseRateLimit;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over UDP: a fixed number of threads share one socket, each receiving a packet,
 * answering it and sending the answer (no thread per packet, no queue to overflow), as far
 * as response rate limiting lets it ({@link ResponseRateLimit}).
 *
 * <p>{@link #bind} opens the socket, {@link #start} the threads, so a failed start of the
 * responder (TCP or the API cannot listen) has no threads to stop. The socket is bound
 * without SO_REUSEADDR: on Linux two UDP sockets that both set it share a port, and the
 * newer one receives the queries, so a second responder would silently take the first
 * one's traffic instead of failing.
 */
public final class UdpDnsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpDnsServer.class);

    private final DnsAnswerer answerer;
    private final ResponseRateLimiter limiter; // null: every answer goes out whole
    private final int threads;
    private final List<Thread> workers = new ArrayList<>();
    private DatagramSocket socket;
    private volatile boolean running;

    public UdpDnsServer(DnsAnswerer answerer, ResponseRateLimit rateLimit, DefenceCounters counters, int threads) {
        this.answerer = answerer;
        this.limiter = rateLimit.enabled() ? new ResponseRateLimiter(rateLimit, counters) : null;
        this.threads = threads;
    }

    /** Opens the socket on {@code address} (port 0: any free port); nothing is answered before {@link #start}. */
    public void bind(InetSocketAddress address) throws IOException {
        DatagramSocket opened = new DatagramSocket(null);
        try {
            opened.setReuseAddress(false);
            opened.bind(address);
            opened.setReceiveBufferSize(1 << 20);
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
        socket = opened;
    }

    public void start() {
        running = true;
        for (int i = 0; i < threads; i++) {
            Thread worker = new Thread(this::serve, "acmedns-udp-" + i);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        byte[] buffer = new byte[65535];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (running) {
            try {
                packet.setData(buffer);
                socket.receive(packet);
                byte[] answer = answerer.answer(buffer, packet.getLength(), false);
                if (answer == null) {
                    continue;
                }
                if (limiter != null) {
                    ResponseRateLimiter.Verdict verdict = limiter.check(packet.getAddress(), answer);
                    if (verdict == ResponseRateLimiter.Verdict.DROP) {
                        continue;
                    }
                    if (verdict == ResponseRateLimiter.Verdict.TRUNCATE) {
                        answer = ResponseRateLimiter.truncated(answer);
                    }
                }
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (SocketException e) {
                if (running) {
                    LOG.warn("UDP DNS socket failed: {}", e.toString());
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("a UDP DNS packet could not be answered: {}", e.toString()); // one bad packet harms no other
            }
        }
    }

    /** Closes the socket and waits briefly for the threads, which end with it. */
    @Override
    public void close() {
        running = false;
        if (socket != null) {
            socket.close();
        }
        for (Thread worker : workers) {
            try {
                worker.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
