package dev.autotls.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A minimal HTTP CONNECT proxy on loopback that records the targets it tunnels to. */
public final class ConnectProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final List<String> tunnels = new CopyOnWriteArrayList<>();

    private ConnectProxy() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "connect-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static ConnectProxy start() throws IOException {
        return new ConnectProxy();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The {@code host:port} of every tunnel asked for, in order. */
    public List<String> tunnels() {
        return List.copyOf(tunnels);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Thread handler = new Thread(() -> tunnel(client), "connect-proxy-tunnel");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void tunnel(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            StringBuilder head = new StringBuilder();
            int b;
            while ((b = in.read()) != -1 && head.length() < 8192) {
                head.append((char) b);
                if (head.toString().endsWith("\r\n\r\n")) {
                    break;
                }
            }
            String[] request = head.toString().split("\r\n")[0].split(" ");
            if (request.length < 2 || !request[0].equals("CONNECT")) {
                client.getOutputStream().write("HTTP/1.1 405 Method Not Allowed\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            tunnels.add(request[1]);
            String host = request[1].substring(0, request[1].lastIndexOf(':'));
            int port = Integer.parseInt(request[1].substring(request[1].lastIndexOf(':') + 1));
            try (Socket target = new Socket(host, port)) {
                client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                Thread back = new Thread(() -> Relay.pump(target, client), "connect-proxy-back");
                back.setDaemon(true);
                back.start();
                Relay.pump(client, target);
            }
        } catch (IOException | RuntimeException e) {
            // a tunnel ends when either side closes
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
