package dev.autotls.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** Copies bytes one way between two sockets until either side closes, then closes both; for the test proxies. */
final class Relay {
    private Relay() {
    }

    static void pump(Socket from, Socket to) {
        pump(from, to, null);
    }

    /** {@link #pump(Socket, Socket)}, also writing every byte to {@code copy} (when not null). */
    static void pump(Socket from, Socket to, OutputStream copy) {
        byte[] buffer = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) != -1) {
                if (copy != null) {
                    copy.write(buffer, 0, n);
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ended) {
            // one side closed: the other learns it when both are closed below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a socket that is going away anyway
        }
    }
}
