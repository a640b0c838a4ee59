package dev.autotls.acmedns;

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
 * answering it and sending the answer (no thread per packet, no queue to overflow).
 */
final class UdpDnsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpDnsServer.class);

    private final DatagramSocket socket;
    private final DnsAnswerer answerer;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running = true;

    UdpDnsServer(InetSocketAddress address, DnsAnswerer answerer, int threads) throws IOException {
        this.socket = new DatagramSocket(null);
        this.socket.setReuseAddress(true);
        this.socket.bind(address);
        this.socket.setReceiveBufferSize(1 << 20);
        this.answerer = answerer;
        for (int i = 0; i < threads; i++) {
            Thread worker = new Thread(this::serve, "acmedns-udp-" + i);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
    }

    int port() {
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
                if (answer != null) {
                    socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                }
            } catch (SocketException e) {
                if (running) {
                    LOG.warn("UDP DNS socket failed: {}", e.toString());
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("a UDP DNS packet could not be answered: {}", e.toString()); // one bad packet harms no other
            }
        }
    }

    @Override
    public void close() {
        running = false;
        socket.close();
    }
}
